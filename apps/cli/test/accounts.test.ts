import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

const ESC = "\u001b"

import { createSandbox, expectSchema, type Sandbox, SENTINELS } from "./support.ts"

let sandbox: Sandbox
beforeEach(() => {
  sandbox = createSandbox()
})
afterEach(() => sandbox.cleanup())

describe("add", () => {
  it("takes an API key piped on stdin, stores it 0600 and prints only its redacted form", async () => {
    const added = await sandbox.run(["add", "work", "--tag", "work", "--budget", "200", "--json"], {
      input: `${SENTINELS.work}\n`,
    })
    expect(added.code).toBe(0)
    expectSchema("add", added.json)
    const account = (added.json as { account: Record<string, unknown> }).account
    expect(account).toMatchObject({ label: "work", kind: "api-key", tags: ["work"], monthlyBudgetUsd: 200 })
    expect(account.credential).toEqual({ kind: "api-key", hint: "sk-ant-…0000" })
    const secrets = join(sandbox.home, "secrets.json")
    expect(readFileSync(secrets, "utf8")).toContain(SENTINELS.work)
    expect(statSync(secrets).mode & 0o777).toBe(0o600)
    expect(statSync(sandbox.home).mode & 0o777).toBe(0o700)
  })

  it("adds env, command, profile and federation accounts from flags", async () => {
    const runs = await Promise.all([
      sandbox.run(["add", "ci", "--kind", "env", "--env", "CI_ANTHROPIC_KEY"]),
      sandbox.run(["add", "vault", "--command", "op read op://dev/anthropic/key", "--ttl", "600"]),
      sandbox.run(["add", "prof", "--kind", "profile", "--profile", "dev"]),
      sandbox.run([
        "add",
        "wif",
        "--federation-rule",
        "fdrl_01abc",
        "--organization",
        "org-1",
        "--service-account",
        "svac_01abc",
        "--identity-token-file",
        "/var/run/token",
      ]),
    ])
    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const list = await sandbox.run(["list", "--json"])
    expectSchema("list", list.json)
    const accounts = (list.json as { accounts: { label: string; credential: Record<string, unknown> }[] })
      .accounts
    const byLabel = Object.fromEntries(accounts.map((a) => [a.label, a.credential]))
    expect(byLabel.ci).toEqual({ kind: "env", variable: "CI_ANTHROPIC_KEY" })
    expect(byLabel.vault).toEqual({
      kind: "command",
      command: "op read op://dev/anthropic/key",
      ttlSeconds: 600,
      timeoutMs: 10000,
    })
    expect(byLabel.prof).toEqual({ kind: "profile", profile: "dev" })
    expect(byLabel.wif).toMatchObject({
      kind: "federation",
      identityToken: { source: "file", path: "/var/run/token" },
    })
  })

  it("refuses a key on the command line (exit 2), before anything is stored, without echoing it", async () => {
    for (const args of [
      ["add", "x", "--key", SENTINELS.revoked],
      ["add", `--key=${SENTINELS.revoked}`],
      ["add", SENTINELS.revoked],
      ["list", "--home", SENTINELS.revoked],
    ]) {
      const run = await sandbox.run(args)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("--key-stdin")
      expect(run.stdout).toBe("")
    }
    const list = await sandbox.run(["list", "--json"])
    expect((list.json as { accounts: unknown[] }).accounts).toEqual([])
  })

  it("says what to do when stdin is empty, the key is an OAuth token, or the label is taken", async () => {
    const empty = await sandbox.run(["add", "a", "--kind", "api-key", "--key-stdin"], { input: "" })
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/No key arrived on stdin/)
    const oauth = await sandbox.run(["add", "a", "--key-stdin"], {
      input: "sk-ant-oat01-test-not-a-key-000000000000",
    })
    expect(oauth.code).toBe(1)
    expect(oauth.stderr).toMatch(/never uses Claude subscription tokens/)
    expect(oauth.stderr).not.toContain("sk-ant-oat01-test")
    await sandbox.run(["add", "work", "--env", "A"])
    const taken = await sandbox.run(["add", "Work", "--env", "B", "--json"])
    expect(taken.code).toBe(1)
    expect(JSON.parse(taken.stderr)).toEqual({
      error: { code: "ERR_CLI_DUPLICATE_LABEL", message: expect.stringContaining("already labelled") },
    })
    const twice = await sandbox.run(["add", "again", "--env", "A"])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(/already in the pool/i)
  })

  it("rejects malformed flags with exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["add", "a", "--kind", "magic"], /--kind must be one of/],
      [["add", "a", "--env", "1BAD"], /variable name/],
      [["add", "a", "--env", "A", "--budget=-5"], /--budget must be a number/],
      [["add", "a", "--env", "A", "--base-url", "http://example.com"], /--base-url/],
      [["add", "a", "--federation-rule", "nope"], /fdrl_/],
      [
        ["add", "a", "--federation-rule", "fdrl_1", "--organization", "o", "--service-account", "svac_1"],
        /identity token source/,
      ],
    ]
    for (const [args, message] of cases) {
      const run = await sandbox.run(args)
      expect(run.code, args.join(" ")).toBe(2)
      expect(run.stderr).toMatch(message)
    }
  })
})

describe("list, enable, disable, pin, remove", () => {
  it("prints an empty pool helpfully, then a table of accounts", async () => {
    const empty = await sandbox.run(["list"])
    expect(empty).toMatchObject({ code: 0, stdout: "No accounts yet. Add one with `keyrelay add`.\n" })
    await sandbox.run(["add", "work", "--key-stdin"], { input: SENTINELS.work })
    await sandbox.run(["add", "ci", "--env", "CI_KEY"])
    const table = await sandbox.run(["list"], { env: { COLUMNS: "200" } })
    expect(table.code).toBe(0)
    const lines = table.stdout.split("\n")
    expect(lines[0]).toMatch(
      /^ACCOUNT\s+KIND\s+ORGANIZATION \/ WORKSPACE\s+STATUS\s+HEALTH\s+COOLDOWN\s+RATE LIMIT\s+SPEND \(MONTH\)\s+LAST USED$/,
    )
    expect(lines[1]).toMatch(/^work\s+api-key\s+—\s+ready\s+70\s+—\s+—\s+\$0\s+never$/)
    expect(lines[2]).toMatch(/^ci\s+env\s+/)
    expect(table.stdout).not.toContain(ESC)
  })

  it("disables with a reason, enables, pins and unpins, by label or id", async () => {
    const added = await sandbox.run(["add", "work", "--env", "A", "--json"])
    const id = (added.json as { account: { id: string } }).account.id
    const disabled = await sandbox.run(["disable", "work", "--reason", "rotating the key", "--json"])
    expectSchema("disable", disabled.json)
    expect((disabled.json as { accounts: unknown[] }).accounts[0]).toMatchObject({
      enabled: false,
      disabledReason: "rotating the key",
    })
    const list = await sandbox.run(["list"])
    expect(list.stdout).toMatch(
      /work: disabled — rotating the key\. `keyrelay enable work` turns it back on\./,
    )
    const enabled = await sandbox.run(["enable", id])
    expect(enabled).toMatchObject({ code: 0, stdout: "Enabled work; its own cooldowns are cleared.\n" })
    const pinned = await sandbox.run(["pin", "WORK", "--json"])
    expectSchema("pin", pinned.json)
    expect((pinned.json as { accounts: { pinned: boolean }[] }).accounts[0]!.pinned).toBe(true)
    expect((await sandbox.run(["list"])).stdout).toMatch(/ready \(pinned\)/)
    const unpinned = await sandbox.run(["unpin", "work", "--json"])
    expectSchema("unpin", unpinned.json)
    expect((unpinned.json as { accounts: { pinned: boolean }[] }).accounts[0]!.pinned).toBe(false)
  })

  it("names the accounts there are when one is not found (exit 1)", async () => {
    await sandbox.run(["add", "work", "--env", "A"])
    for (const command of ["enable", "disable", "pin", "unpin", "remove"]) {
      const run = await sandbox.run(command === "remove" ? [command, "wrok", "--yes"] : [command, "wrok"])
      expect(run.code, command).toBe(1)
      expect(run.stderr).toContain('No account "wrok". The accounts are: work')
    }
  })

  it("removes only with --yes when there is no terminal to ask on", async () => {
    await sandbox.run(["add", "work", "--env", "A"])
    const refused = await sandbox.run(["remove", "work"])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/pass --yes/)
    const removed = await sandbox.run(["rm", "work", "--yes", "--json"])
    expectSchema("remove", removed.json)
    expect((removed.json as { removed: { label: string }[] }).removed).toEqual([
      { id: expect.any(String), label: "work" },
    ])
    expect(((await sandbox.run(["list", "--json"])).json as { accounts: unknown[] }).accounts).toEqual([])
  })
})

describe("the command line", () => {
  it("exits 2 with a suggestion for an unknown command or option, and a usage line for missing arguments", async () => {
    const unknown = await sandbox.run(["lsit"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown command `lsit`. Did you mean `list`?")
    const option = await sandbox.run(["list", "--colour"])
    expect(option.code).toBe(2)
    expect(option.stderr).toMatch(/Unknown option '--colour'.*keyrelay list --help/)
    const missing = await sandbox.run(["pin"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("usage is `keyrelay pin <account>`")
    const extra = await sandbox.run(["list", "extra"])
    expect(extra.code).toBe(2)
    const noJson = await sandbox.run(["export", "--json"])
    expect(noJson.code).toBe(2)
  })

  it("prints help and the version (exit 0)", async () => {
    const overview = await sandbox.run([])
    expect(overview.code).toBe(0)
    expect(overview.stdout).toContain("rules explain")
    const help = await sandbox.run(["rules", "--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/rules add\s+add a routing rule/)
    const helpFor = await sandbox.run(["help", "add"])
    expect(helpFor.stdout).toContain("--key-stdin")
    const version = await sandbox.run(["--version"])
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string
    }
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` })
  })

  it("colors only on a terminal or with FORCE_COLOR, and never with NO_COLOR", async () => {
    await sandbox.run(["add", "work", "--env", "A"])
    expect((await sandbox.run(["list"])).stdout).not.toContain(ESC)
    expect((await sandbox.run(["list"], { env: { FORCE_COLOR: "1" } })).stdout).toContain(`${ESC}[32mready`)
    expect((await sandbox.run(["list"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout).not.toContain(
      ESC,
    )
    expect((await sandbox.run(["list", "--no-color"], { env: { FORCE_COLOR: "1" } })).stdout).not.toContain(
      ESC,
    )
  })
})
