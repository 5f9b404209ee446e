// Soak: 10,000 requests through pool-fetch, 200 at a time (80 % streams), over 12 keys in 4 organizations, with 10 % of
// the mock's answers replaced by a random fault (by weight: 429 with retry-after, 529, 500, mid-stream error, EOF
// without message_stop, reset before headers, late headers, a stall after headers). Checks: no unhandled rejection,
// no request that never settles, a usage record for every response the pool served (and for every 200 the mock
// sent whose headers reached the pool), no request sent to a limit group after it answered 429 and before the
// retry-after it announced had passed, and none sent to an account its transport faults cooled before that ended.
// Reports how many answers were keyrelay's own "no account can serve" (`x-keyrelay-error`) rather than the API's.
// Run: pnpm bench pool-fetch-soak   (or, after a build: node bench/pool-fetch-soak.bench.mjs [requests] [concurrency])
import { createPoolFetch } from "@keyrelay/pool-fetch"
import { BODY, manyKeys, openBenchStore, orgOf, startMockProcess, writeResults } from "./pool-fetch-setup.mjs"

const TOTAL = Number(process.argv[2] ?? 10_000)
const CONCURRENCY = Number(process.argv[3] ?? 200)
const FAULT_SHARE = 0.1
const SETTLE_LIMIT_MS = 60_000
const RETRY_AFTER_MS = 300

let seed = 42
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

const unhandled = []
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)))

// [weight, name, scenario]. Account-level faults (resets, late headers) are rarer, as they are in practice; an isolated
// one only costs its request one failover, a second in a row on one account cools it (rotation-strategies' transport
// policy).
const FAULTS = [
  [
    25,
    "rate-limit",
    { respond: { kind: "error", error: "rate-limit", retryAfter: null, retryAfterMs: RETRY_AFTER_MS } },
  ],
  [20, "overloaded", { respond: { kind: "error", error: "overloaded" } }],
  [15, "api-error", { respond: { kind: "error", error: "api-error" } }],
  [15, "stream-error", { match: { stream: true }, respond: { kind: "reply", errorAfterEvents: 3 } }],
  [10, "stream-eof", { match: { stream: true }, respond: { kind: "reply", endAfterEvents: 4 } }],
  [5, "reset", { respond: { kind: "reset" } }],
  [5, "late-headers", { match: { stream: true }, respond: { kind: "reply", headersDelayMs: 8_000 } }],
  [5, "stall", { match: { stream: true }, respond: { kind: "reply", stallAfterEvents: 2 } }],
]
const WEIGHTS = FAULTS.reduce((sum, [w]) => sum + w, 0)
const pickFault = () => {
  let roll = random() * WEIGHTS
  for (const fault of FAULTS) {
    roll -= fault[0]
    if (roll < 0) return fault
  }
  return FAULTS[0]
}

const keys = manyKeys(12, 4)
const mock = await startMockProcess({ chunking: { seed: 7, minBytes: 64, maxBytes: 512 } }, keys)
const bench = await openBenchStore(mock.url, keys)
const faults = Math.round(TOTAL * FAULT_SHARE)
const positions = new Set()
while (positions.size < faults) positions.add(Math.floor(random() * TOTAL))
const scenarios = [...positions].map((skip) => {
  const [, name, fault] = pickFault()
  return { ...fault, match: { path: "/v1/messages", ...fault.match }, skip, name: `soak:${name}` }
})
await mock.control({ op: "script", scenarios })

// retry-after respected, checked on what the pool sends: once the pool has recorded a limit group's cooldown (here a
// group is an organization: one model), no request goes to that group before it ends; and no recorded cooldown
// ends before the retry-after the API announced with the 429.
const labelOfKey = new Map(Object.entries(keys).map(([label, key]) => [key, label]))
const announced = new Map()
const coolUntil = new Map()
let violations = 0
let shortCooldowns = 0
let rateLimited = 0
// Transport faults: an isolated one leaves a record that ended when it was made; a repeated one cools its account.
const labelOfAccount = new Map(bench.store.listAccounts().map((account) => [account.id, account.label]))
const accountCoolUntil = new Map()
const transport = { isolatedFaults: 0, cooldowns: 0, sentDuringCooldown: 0 }
const record = bench.store.recordOutcome.bind(bench.store)
bench.store.recordOutcome = (outcomeRecord) => {
  for (const [key, cooldown] of Object.entries(outcomeRecord.cooldowns ?? {})) {
    if (key.startsWith("acct:") && cooldown.class === "transport") {
      const label = labelOfAccount.get(key.slice(5))
      if (cooldown.until <= (outcomeRecord.at ?? Date.now())) transport.isolatedFaults++
      else if (cooldown.until > (accountCoolUntil.get(label) ?? 0)) {
        transport.cooldowns++
        accountCoolUntil.set(label, cooldown.until)
      }
      continue
    }
    if (!key.startsWith("org:") || cooldown.class !== "rate-limit") continue
    const org = key.slice(4).split("|")[0]
    if (cooldown.until < (announced.get(org) ?? 0) - 5) shortCooldowns++
    coolUntil.set(org, Math.max(coolUntil.get(org) ?? 0, cooldown.until))
  }
  record(outcomeRecord)
}
const watched = async (url, init) => {
  const label = labelOfKey.get(init.headers["x-api-key"]) ?? "?"
  const org = orgOf(label)
  if (Date.now() < (coolUntil.get(org) ?? 0) - 2) violations++
  if (Date.now() < (accountCoolUntil.get(label) ?? 0) - 2) transport.sentDuringCooldown++
  const response = await fetch(url, init)
  if (response.status === 429) {
    rateLimited++
    announced.set(org, Date.now() + Number(response.headers.get("retry-after-ms") ?? 0))
  }
  return response
}

const pool = await createPoolFetch({
  store: bench.store,
  fetch: watched,
  directory: "/bench/soak",
  streamHeadersTimeoutMs: 4_000,
  streamIdleTimeoutMs: 3_000,
  deadlineMs: 20_000,
  random,
  onEvent: (event) => {
    if (event.type === "no-account" && noAccount.length < 3) noAccount.push(event.message)
  },
})
const noAccount = []

const outcome = {
  served200: 0,
  otherStatus: {},
  keyrelayNoAccount: 0,
  rejected: {},
  bodyErrors: 0,
  unsettled: 0,
}
const started = performance.now()
let next = 0
async function one(i) {
  const stream = i % 5 !== 0 // 80 % streams
  const guard = new Promise((resolve) => setTimeout(() => resolve("timeout"), SETTLE_LIMIT_MS).unref())
  const work = (async () => {
    try {
      const response = await pool("https://api.anthropic.com/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...BODY, stream }),
      })
      if (response.status === 200) outcome.served200++
      else outcome.otherStatus[response.status] = (outcome.otherStatus[response.status] ?? 0) + 1
      if (response.headers.has("x-keyrelay-error")) outcome.keyrelayNoAccount++
      try {
        await response.arrayBuffer()
      } catch {
        outcome.bodyErrors++
      }
    } catch (error) {
      const name = error?.name ?? "Error"
      outcome.rejected[name] = (outcome.rejected[name] ?? 0) + 1
    }
    return "settled"
  })()
  if ((await Promise.race([work, guard])) === "timeout") outcome.unsettled++
}
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < TOTAL) await one(next++)
  }),
)
const seconds = (performance.now() - started) / 1000
await pool.flush()

const log = await mock.control({ op: "requests" })
const messages = log.filter((entry) => entry.path === "/v1/messages")
const mock200 = messages.filter((entry) => entry.response?.status === 200).length
const usageRecords = bench.store.usage().reduce((sum, row) => sum + row.requests, 0)

const late200 = messages.filter(
  (entry) => entry.response?.status === 200 && entry.response?.scenario === "soak:late-headers",
).length

const result = {
  requests: TOTAL,
  concurrency: CONCURRENCY,
  faultsScripted: faults,
  seconds: +seconds.toFixed(1),
  requestsPerSecond: Math.round(TOTAL / seconds),
  reachedMock: messages.length,
  outcome,
  unhandledRejections: unhandled.length,
  hangs: outcome.unsettled,
  usage: {
    poolServed200: outcome.served200,
    usageRecords,
    mockServed200: mock200,
    mockServed200AfterPoolGaveUp: late200,
    lost: outcome.served200 - usageRecords,
  },
  retryAfter: { rateLimited, sentDuringCooldown: violations, cooldownShorterThanAnnounced: shortCooldowns },
  transport,
}
console.log(JSON.stringify(result, null, 2))
if (process.env.SOAK_DEBUG) console.log(noAccount)
const ok =
  unhandled.length === 0 &&
  outcome.unsettled === 0 &&
  usageRecords === outcome.served200 &&
  usageRecords === mock200 - late200 &&
  violations === 0 &&
  shortCooldowns === 0 &&
  transport.sentDuringCooldown === 0
console.log(`soak: ${ok ? "passed" : "FAILED"}`)
writeResults("pool-fetch-soak", { ...result, passed: ok })

await pool.close()
await bench.close()
await mock.close()
if (!ok) process.exitCode = 1
