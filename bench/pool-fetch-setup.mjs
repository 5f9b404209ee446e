// Shared by the pool-fetch benchmarks: the mock Anthropic API in its own Node process (so the client under test
// does not share an event loop with the server), three keys in two organizations with limits no benchmark reaches,
// and an account store in a temporary home holding the same keys.
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { openAccountStore } from "@keyrelay/account-store"

export const KEYS = {
  a1: "sk-ant-api03-test-bench-a1-aaaaaaaaaaaaaaaaaaaa",
  a2: "sk-ant-api03-test-bench-a2-bbbbbbbbbbbbbbbbbbbb",
  b1: "sk-ant-api03-test-bench-b1-cccccccccccccccccccc",
}
/** Organization of each key: the label's letter (a1 → org-a). */
export const orgOf = (label) => `org-${label[0]}`

/** `n` keys over `orgs` organizations: a1, b1, c1, a2, b2, … */
export function manyKeys(n, orgs) {
  const keys = {}
  for (let i = 0; i < n; i++) {
    const label = `${String.fromCharCode(97 + (i % orgs))}${Math.floor(i / orgs) + 1}`
    keys[label] = `sk-ant-api03-test-bench-${label}-${"x".repeat(20)}`
  }
  return keys
}
const HUGE = { requestsPerMinute: 100_000_000, inputTokensPerMinute: 1e12, outputTokensPerMinute: 1e12 }

/** Starts `keyrelay-mock-anthropic --config …` and resolves once it printed its URL. */
export async function startMockProcess(extra = {}, keys = KEYS) {
  const dir = mkdtempSync(join(tmpdir(), "keyrelay-bench-"))
  const config = join(dir, "mock.json")
  writeFileSync(
    config,
    JSON.stringify({
      organizations: [...new Set(Object.keys(keys).map(orgOf))].map((id) => ({
        id,
        defaultWorkspaceId: `wrkspc_${id}`,
        limits: { default: HUGE },
      })),
      credentials: Object.entries(keys).map(([label, apiKey]) => ({
        label,
        apiKey,
        organizationId: orgOf(label),
      })),
      chunking: false,
      ...extra,
    }),
  )
  const require = createRequire(import.meta.url)
  const cli = join(dirname(require.resolve("@keyrelay/test-utils/package.json")), "dist/cli.js")
  const child = spawn(process.execPath, [cli, "--config", config], { stdio: ["ignore", "pipe", "inherit"] })
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once("line", resolve)
    child.once("exit", (code) => reject(new Error(`the mock exited with ${code}`)))
  })
  const { url } = JSON.parse(first)
  return {
    url,
    control: async (op) => {
      const response = await fetch(`${url}/_mock/control`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(op),
      })
      if (!response.ok) throw new Error(`mock control ${op.op}: ${response.status} ${await response.text()}`)
      return response.json()
    },
    close: async () => {
      child.kill("SIGTERM")
      await new Promise((resolve) => child.once("exit", resolve))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An account store in a temporary home with the three keys, pointed at the mock. */
export async function openBenchStore(url, keys = KEYS) {
  const home = mkdtempSync(join(tmpdir(), "keyrelay-bench-home-"))
  const store = await openAccountStore({ home, watch: false, flushOnExit: false })
  for (const [label, key] of Object.entries(keys)) {
    const account = await store.addAccount({ label, credential: { kind: "api-key", key }, baseUrl: url })
    await store.learnOrganization(account.id, { organizationId: orgOf(label) })
  }
  return {
    store,
    home,
    close: async () => {
      await store.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

export const BODY = {
  model: "claude-sonnet-4-6",
  max_tokens: 512,
  system: "You are a terse assistant.",
  messages: [{ role: "user", content: "Say hello." }],
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export function writeResults(name, data) {
  const out = join(dirname(new URL(import.meta.url).pathname), "results")
  import("node:fs").then(({ mkdirSync }) => {
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`)
  })
}
