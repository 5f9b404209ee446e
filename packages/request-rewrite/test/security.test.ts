// Sentinel secrets go in every place a credential can come from; then every output is searched for them: the
// returned request (as data, as JSON and as a logger would print it), every thrown error with its stack and cause
// chain, and anything written to the console.
import { inspect } from "node:util"
import fc from "fast-check"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import {
  buildOutgoingRequest,
  type Credential,
  normalizeBaseUrl,
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
} from "../src/index.ts"

const ACCOUNT_SECRET = "sk-ant-api03-test-SENTINEL-account-7f3a9c"
const CALLER_SECRET = "sk-ant-api03-test-SENTINEL-caller-1b2d4e"
const SECRETS = [ACCOUNT_SECRET, CALLER_SECRET, "SENTINEL"]

const consoleCalls: unknown[][] = []
beforeEach(() => {
  consoleCalls.length = 0
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args)
    })
})
afterEach(() => {
  expect(consoleCalls).toEqual([]) // the package never logs
})

/** Everything a logger or an error reporter could print about a value. */
function printed(value: unknown): string {
  const seen = new Set<unknown>()
  const parts: string[] = []
  const visit = (v: unknown): void => {
    if (seen.has(v)) return
    seen.add(v)
    parts.push(String(v), inspect(v, { depth: Number.POSITIVE_INFINITY, showHidden: true }))
    try {
      parts.push(JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x] : x)) ?? "")
    } catch {}
    if (v instanceof Error) {
      parts.push(v.message, String(v.stack))
      visit(v.cause)
    }
  }
  visit(value)
  return parts.join("\n")
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

const accountCredential = fc.constantFrom<Credential>(
  { type: "api-key", key: ACCOUNT_SECRET },
  { type: "bearer", token: ACCOUNT_SECRET },
)
const badCredential = fc.constantFrom<unknown>(
  { type: "api-key", key: `${ACCOUNT_SECRET}\n` },
  { type: "api-key", key: ` ${ACCOUNT_SECRET}` },
  { type: "bearer", token: `Bearer ${ACCOUNT_SECRET}` },
  { type: "bearer", token: `${ACCOUNT_SECRET}é` },
  { type: "oauth", token: ACCOUNT_SECRET },
  { type: "api-key", token: ACCOUNT_SECRET },
  ACCOUNT_SECRET,
)
const goodBaseUrl = fc.constantFrom<string | undefined>(
  undefined,
  "https://gateway.example.com/anthropic",
  "http://127.0.0.1:4010",
)
const badBaseUrl = fc.constantFrom<string | undefined>(
  `https://${ACCOUNT_SECRET}@gateway.example.com`,
  `https://gateway.example.com/?key=${ACCOUNT_SECRET}`,
  `https://gateway.example.com/#${ACCOUNT_SECRET}`,
  `http://${ACCOUNT_SECRET}.example.com`,
  ACCOUNT_SECRET,
)
const incomingUrl = fc.oneof(
  fc.constantFrom(
    "https://api.anthropic.com/v1/messages",
    `https://${CALLER_SECRET}@evil.example/v1/messages`,
    "//evil.example/v1/messages",
    "https://evil.example/../v1/messages",
    "http://[",
    `https://[${CALLER_SECRET}]/v1/messages`,
  ),
  fc.webUrl({ withQueryParameters: false }),
)
const callerHeaders = fc.constantFrom<unknown>(
  { "x-api-key": CALLER_SECRET, "content-type": "application/json" },
  { Authorization: `Bearer ${CALLER_SECRET}`, Cookie: `s=${CALLER_SECRET}` },
  [
    ["Proxy-Authorization", `Basic ${CALLER_SECRET}`],
    ["X-API-KEY", CALLER_SECRET],
  ],
  new Headers({ authorization: CALLER_SECRET, cookie: CALLER_SECRET }),
  { "x-api-key": "" },
)
const host = fc.constantFrom(undefined, "opencode", `opencode ${ACCOUNT_SECRET}`)
const betas = fc.constantFrom<unknown>(
  undefined,
  ["context-1m-2025-08-07"],
  [ACCOUNT_SECRET, "a b"],
  ACCOUNT_SECRET,
)
// Mostly good options, so that both the returned request and the thrown errors are searched many times.
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 })

describe("security: a credential never leaks", () => {
  const outcomes = { total: 0, thrown: 0 }

  it("property: the account credential appears only in its header, on the base URL's origin; the caller's nowhere", () => {
    fc.assert(
      fc.property(
        mostly<unknown>(accountCredential, badCredential),
        mostly(goodBaseUrl, badBaseUrl),
        incomingUrl,
        callerHeaders,
        mostly(fc.constantFrom(undefined, "opencode"), host),
        mostly(fc.constantFrom(undefined, ["context-1m-2025-08-07"]), betas),
        (credential, base, url, headers, hostProduct, configBetas) => {
          outcomes.total++
          let out: ReturnType<typeof buildOutgoingRequest>
          try {
            out = buildOutgoingRequest({
              url,
              init: { method: "POST", headers: headers as RequestInit["headers"] & object, body: "{}" },
              account: { baseUrl: base },
              credential: credential as Credential,
              host: hostProduct as string,
              betas: configBetas as string[],
            })
          } catch (error) {
            outcomes.thrown++
            expectNoSecret(printed(error))
            return
          }
          // The request as a logger would print it.
          expectNoSecret(printed(out))
          expectNoSecret(printed(out.init))
          expectNoSecret(printed(out.init.headers))
          // The request as fetch reads it: the secret in exactly one header, and only for the base URL's origin.
          const entries = Object.entries(out.init.headers)
          const carrying = entries.filter(([, value]) => value.includes("SENTINEL"))
          const expected = (credential as Credential).type === "api-key" ? "x-api-key" : "authorization"
          expect(carrying.map(([name]) => name)).toEqual([expected])
          expect(carrying[0]?.[1]).not.toContain(CALLER_SECRET)
          expect(new URL(out.url).origin).toBe(new URL(normalizeBaseUrl(base)).origin)
          expectNoSecret(out.url)
        },
      ),
      { numRuns: 600 },
    )
    // Both kinds of output were searched often enough to mean something.
    expect(outcomes.thrown).toBeGreaterThan(50)
    expect(outcomes.total - outcomes.thrown).toBeGreaterThan(150)
  })

  it("never puts a credential into the restored response side", () => {
    const map = new Map([["a_b_108bf50c", "a.b"]])
    const event = { type: "content_block_start", content_block: { type: "tool_use", name: "a_b_108bf50c" } }
    expectNoSecret(printed(restoreToolNamesInEvent(event, map)))
    expectNoSecret(restoreToolNamesInJson('{"content":[{"type":"tool_use","name":"a_b_108bf50c"}]}', map))
  })
})
