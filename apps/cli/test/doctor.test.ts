import { spawn } from "node:child_process"
import { chmodSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { MockAnthropic } from "@keyrelay/test-utils"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createSandbox, expectSchema, type Sandbox, SENTINELS, startMock } from "./support.ts"

let mock: MockAnthropic
let sandbox: Sandbox
beforeAll(async () => {
  mock = await startMock()
})
afterAll(() => mock.close())
beforeEach(() => {
  sandbox = createSandbox()
})
afterEach(() => sandbox.cleanup())

type Check = { id: string; status: string; message: string; fix: string | null }
const checksOf = (json: unknown) => (json as { checks: Check[] }).checks

describe("doctor", () => {
  it("finds each problem and names the command that fixes it (exit 1), then passes once they are fixed", async () => {
    await sandbox.run(["add", "work", "--key-stdin", "--base-url", mock.url], { input: SENTINELS.work })
    await sandbox.run(["add", "old", "--key-stdin", "--base-url", mock.url], { input: SENTINELS.revoked })
    await sandbox.run(["add", "ci", "--env", "KEYRELAY_TEST_UNSET_VAR"])
    await sandbox.run(["rules", "add", "--dir", "/x/**", "--tag", "nobody-has-this"])

    const run = await sandbox.run(["doctor", "--json"])
    expect(run.code).toBe(1)
    expectSchema("doctor", run.json)
    const checks = checksOf(run.json)
    const byId = (prefix: string) => checks.filter((c) => c.id.startsWith(prefix))
    expect(byId("permissions")).toEqual([expect.objectContaining({ status: "ok" })])
    expect(byId("lock")).toEqual([expect.objectContaining({ status: "ok" })])
    expect(byId("accounts.env.")).toEqual([
      expect.objectContaining({
        status: "warning",
        fix: "export KEYRELAY_TEST_UNSET_VAR=… in the shell profile that starts OpenCode",
      }),
    ])
    expect(byId("rules.empty.")).toEqual([
      expect.objectContaining({
        status: "error",
        fix: expect.stringMatching(/^keyrelay rules remove rule_/),
      }),
    ])
    expect(byId("opencode.plugin")).toEqual([
      expect.objectContaining({ status: "error", fix: "keyrelay opencode setup" }),
    ])
    expect(byId("opencode.auth")).toEqual([
      expect.objectContaining({ status: "error", fix: "keyrelay opencode setup" }),
    ])
    const credentials = byId("credentials.")
    expect(credentials.map((c) => [c.status, c.message.split(" ")[0]])).toEqual([
      ["ok", "work"],
      ["error", "old"],
      ["error", "ci"],
    ])
    expect(credentials[1]!.fix).toBe(
      "the key was revoked or expired: `keyrelay remove old`, then `keyrelay add old` with a new key",
    )

    const human = await sandbox.run(["doctor"])
    expect(human.stdout).toMatch(
      /✗ OpenCode's config does not list "opencode-keyrelay".*\n {2}fix: keyrelay opencode setup/,
    )
    expect(human.stdout).toMatch(/\d+ problem\(s\), \d+ warning\(s\)\. Each line above says how to fix it\./)

    await sandbox.run(["remove", "old", "ci", "--yes"])
    const ruleId = byId("rules.empty.")[0]!.id.replace("rules.empty.", "")
    await sandbox.run(["rules", "remove", ruleId])
    await sandbox.run(["opencode", "setup", "--yes"])
    const fixed = await sandbox.run(["doctor"])
    expect(fixed.code, fixed.stdout).toBe(0)
    expect(fixed.stdout).toContain("Everything looks right.")
    expect(fixed.stdout).toMatch(/✓ work works \(200, \d+ ms\)/)
  })

  it("--offline checks files only, and reports loose permissions and a corrupt file with their fixes", async () => {
    await sandbox.run(["add", "ci", "--env", "PATH"])
    chmodSync(join(sandbox.home, "accounts.json"), 0o644)
    writeFileSync(join(sandbox.home, "rules.json"), "{ this is not json", { mode: 0o600 })
    const run = await sandbox.run(["doctor", "--offline", "--json"])
    expect(run.stderr).toBe("")
    expect(run.code).toBe(1)
    const checks = checksOf(run.json)
    expect(checks.some((c) => c.id.startsWith("credentials."))).toBe(false)
    expect(checks).toContainEqual(
      expect.objectContaining({
        id: "permissions.files",
        status: "warning",
        fix: `chmod 600 ${join(sandbox.home, "accounts.json")}`,
      }),
    )
    expect(checks).toContainEqual(
      expect.objectContaining({ id: "files.ERR_STORE_FILE_CORRUPT", status: "error" }),
    )
    expect(readdirSync(sandbox.home).some((n) => n.startsWith("rules.json.corrupt-"))).toBe(true)
    const again = await sandbox.run(["doctor", "--offline", "--json"])
    expect(checksOf(again.json)).toContainEqual(
      expect.objectContaining({ id: "files.aside", status: "warning" }),
    )
  })

  it("has every other command warn about a damaged file once, pointing at doctor", async () => {
    await sandbox.run(["add", "ci", "--env", "PATH"])
    writeFileSync(join(sandbox.home, "rules.json"), "{ this is not json", { mode: 0o600 })
    const list = await sandbox.run(["list", "--json"])
    expect(list.code).toBe(0)
    expect(list.stderr).toMatch(
      /^warning: 1 problem\(s\) with keyrelay's files; the rest keeps working\. .*rules\.json.* `keyrelay doctor` says how to fix each\.\n$/,
    )
    expect((list.json as { accounts: unknown[] }).accounts).toHaveLength(1)
  })

  it("names the process that holds the lock when it is held too long", async () => {
    await sandbox.run(["add", "ci", "--env", "PATH"])
    const holder = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { openAccountStore } from "@keyrelay/account-store"
         const store = await openAccountStore({ home: process.env.KEYRELAY_HOME, watch: false })
         await store.withLock(async () => { console.log("locked"); await new Promise((r) => setTimeout(r, 8000)) })
         await store.close()`,
      ],
      { env: sandbox.env, cwd: new URL(".", import.meta.url).pathname, stdio: ["ignore", "pipe", "inherit"] },
    )
    try {
      await new Promise<void>((resolve) =>
        holder.stdout!.on("data", (d) => String(d).includes("locked") && resolve()),
      )
      const run = await sandbox.run(["doctor", "--offline", "--json"])
      const lock = checksOf(run.json).find((c) => c.id === "lock")!
      expect(lock.status).toBe("error")
      expect(lock.message).toContain(String(holder.pid))
    } finally {
      holder.kill()
    }
  })
})
