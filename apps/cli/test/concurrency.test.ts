import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { MockAnthropic } from "@keyrelay/test-utils"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSandbox, type Sandbox, SENTINELS, startMock } from "./support.ts"

const WRITER = fileURLToPath(new URL("./fixtures/pool-writer.mjs", import.meta.url))
const AT_LEAST = 10
const ROUNDS = 4

let mock: MockAnthropic
let sandbox: Sandbox
beforeAll(async () => {
  mock = await startMock()
  sandbox = createSandbox()
})
afterAll(async () => {
  sandbox.cleanup()
  await mock.close()
})

/** Starts the pool-fetch process; it keeps sending requests until `stop()`, so it overlaps every CLI round. */
function startWriter() {
  const child = spawn(process.execPath, [WRITER, String(AT_LEAST)], {
    env: { ...sandbox.env },
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    stdio: ["pipe", "pipe", "pipe"],
  })
  let out = ""
  let err = ""
  child.stderr.on("data", (d) => (err += d))
  const started = new Promise<void>((resolve) =>
    child.stdout.on("data", (d) => {
      out += d
      if (out.includes("started")) resolve()
    }),
  )
  const done = new Promise<{ sent: number; ok: number }>((resolve, reject) =>
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(out.split("\n").at(-2)!))
        : reject(new Error(`writer exited ${code}: ${err}`)),
    ),
  )
  return { started, done, stop: () => child.stdin.write("stop\n") }
}

describe("CLI and plugin writing at once", () => {
  it("lose nothing: every account, rule, setting and recorded request lands", async () => {
    for (const [label, key] of [
      ["work", SENTINELS.work],
      ["personal", SENTINELS.personal],
    ] as const) {
      const run = await sandbox.run(["add", label, "--key-stdin", "--base-url", mock.url], { input: key })
      expect(run.code, run.stderr).toBe(0)
    }
    const writer = startWriter()
    await writer.started
    // Meanwhile, rounds of CLI processes in parallel, each changing a different part of the store.
    for (let round = 0; round < ROUNDS; round++) {
      const runs = await Promise.all([
        sandbox.run(["add", `env-${round}`, "--env", `KEY_${round}`, "--tag", "batch"]),
        sandbox.run(["rules", "add", "--dir", `/src/round-${round}/**`, "--tag", "batch"]),
        sandbox.run(["budget", "personal", String(100 + round)]),
        sandbox.run([
          "config",
          "set",
          `pricing.claude-round-${round}-*`,
          '{"inputPerMTok":1,"outputPerMTok":2}',
        ]),
        sandbox.run(["list", "--json"]),
      ])
      for (const run of runs) expect(run.code, `${run.args.join(" ")}: ${run.stderr}`).toBe(0)
    }
    // Live pickup: the running pool stops using an account the CLI disables, without a restart.
    expect(mock.requests.some((r) => r.path === "/v1/messages" && r.credential?.label === "work")).toBe(true)
    expect((await sandbox.run(["disable", "work", "--reason", "rotating"])).code).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const mark = mock.requests.length
    while (mock.requests.length < mark + 5) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(new Set(mock.requests.slice(mark).map((r) => r.credential?.label))).toEqual(new Set(["personal"]))
    writer.stop()
    const result = await writer.done
    expect(result.ok).toBe(result.sent)
    expect(result.sent).toBeGreaterThanOrEqual(AT_LEAST)

    const list = (await sandbox.run(["list", "--json"])).json as {
      accounts: { label: string; monthlyBudgetUsd: number | null }[]
    }
    expect(list.accounts.map((a) => a.label).sort()).toEqual(
      ["work", "personal", ...Array.from({ length: ROUNDS }, (_, i) => `env-${i}`)].sort(),
    )
    expect(list.accounts.find((a) => a.label === "personal")!.monthlyBudgetUsd).toBe(100 + ROUNDS - 1)
    const rules = (await sandbox.run(["rules", "--json"])).json as { rules: unknown[] }
    expect(rules.rules).toHaveLength(ROUNDS)
    const pricing = (await sandbox.run(["config", "get", "pricing", "--json"])).json as {
      value: Record<string, unknown>
    }
    expect(Object.keys(pricing.value).sort()).toEqual(
      Array.from({ length: ROUNDS }, (_, i) => `claude-round-${i}-*`),
    )
    const usage = (await sandbox.run(["usage", "--json", "--since", "1d"])).json as {
      totals: { requests: number }
    }
    expect(usage.totals.requests).toBe(result.sent)
    expect(mock.requests.filter((r) => r.path === "/v1/messages")).toHaveLength(result.sent)
  })
})
