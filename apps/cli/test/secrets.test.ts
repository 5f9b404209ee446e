import { openAccountStore } from "@keyrelay/account-store"
import type { MockAnthropic } from "@keyrelay/test-utils"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { COMMANDS } from "../src/_commands.ts"
import { allRuns, createSandbox, expectSchema, type Sandbox, SENTINELS, startMock } from "./support.ts"

let mock: MockAnthropic
let sandbox: Sandbox
beforeAll(async () => {
  mock = await startMock()
  sandbox = createSandbox()
  for (const [label, key] of [
    ["work", SENTINELS.work],
    ["ci", SENTINELS.workCi],
    ["personal", SENTINELS.personal],
    ["old", SENTINELS.revoked],
  ] as const) {
    const run = await sandbox.run(["add", label, "--key-stdin", "--base-url", mock.url, "--tag", label], {
      input: key,
    })
    expect(run.code, run.stderr).toBe(0)
  }
  const store = await openAccountStore({ home: sandbox.home, watch: false, flushOnExit: false })
  const work = store.listAccounts()[0]!
  store.recordUsage({
    accountId: work.id,
    model: "claude-sonnet-4-5",
    project: "/src/app",
    inputTokens: 10,
    costMicroUsd: 100,
  })
  await store.close()
})
afterAll(async () => {
  sandbox.cleanup()
  await mock.close()
})

const SCHEMA_OF: Record<string, string> = {
  rules: "rules list",
  config: "config get",
  opencode: "opencode status",
}

/** Arguments that exercise each command against the seeded pool; a new command must be added here. */
const ARGS: Record<string, string[][]> = {
  add: [
    ["extra", "--env", "EXTRA_KEY"],
    ["dup", "--key-stdin"],
  ],
  list: [[]],
  remove: [["extra", "--yes"]],
  enable: [["old"]],
  disable: [["old", "--reason", "testing"]],
  pin: [["work"]],
  unpin: [["work"]],
  test: [[], ["old"]],
  usage: [["--by", "account,model"]],
  limits: [[]],
  rules: [[]],
  "rules list": [[]],
  "rules add": [["--dir", "/src/**", "--account", "work"]],
  "rules remove": [["1"]],
  "rules explain": [["/src/app", "claude-sonnet-4-5"]],
  budget: [[], ["work", "20"]],
  strategy: [[], ["hybrid"]],
  config: [[]],
  "config get": [["extraBetas"]],
  "config set": [["maxAttempts", "3"]],
  "config unset": [["maxAttempts"]],
  "config path": [[]],
  doctor: [[]],
  login: [["work"]],
  export: [[]],
  import: [["-"]],
  opencode: [[]],
  "opencode status": [[]],
  "opencode setup": [["--yes"]],
  schema: [["list"]],
  help: [["add"]],
  version: [[]],
}

describe("no secret is ever printed", () => {
  it("by any command, human or --json, on success or failure; and every --json document matches its schema", async () => {
    const missing = COMMANDS.map((c) => c.name).filter((name) => !(name in ARGS))
    expect(missing, "commands without a secret-scan case").toEqual([])
    const exported = await sandbox.run([
      "export",
      "--with-secrets",
      "--output",
      `${sandbox.root}/with-keys.json`,
    ])
    expect(exported.code).toBe(0)
    const before = allRuns.length
    for (const command of COMMANDS) {
      for (const args of ARGS[command.name]!) {
        const input =
          command.name === "import"
            ? (await import("node:fs")).readFileSync(`${sandbox.root}/with-keys.json`, "utf8")
            : SENTINELS.work
        const words = command.name.split(" ")
        await sandbox.run([...words, ...args], { input })
        if (!command.json) continue
        const run = await sandbox.run([...words, ...args, "--json"], { input })
        // Every --json document matches its schema. A report that found failures (test, doctor) still prints its
        // document and exits 1; an error prints nothing on stdout and a JSON error on stderr.
        if (run.stdout !== "") expectSchema(SCHEMA_OF[command.name] ?? command.name, run.json)
        else {
          expect(run.code, run.args.join(" ")).not.toBe(0)
          expectSchema("error", JSON.parse(run.stderr.trim().split("\n").at(-1)!))
        }
      }
    }
    // support.ts checks every run's stdout and stderr for each sentinel and anything key-shaped; this counts them.
    expect(allRuns.length - before).toBeGreaterThan(COMMANDS.length)
    const everything = allRuns.map((r) => r.stdout + r.stderr).join("\n")
    expect(everything).toContain("sk-ant-…0000") // keys do show, redacted
    for (const secret of Object.values(SENTINELS)) expect(everything).not.toContain(secret)
  })
})
