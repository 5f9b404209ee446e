import { readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createSandbox, expectSchema, type Sandbox, SENTINELS } from "./support.ts"

let from: Sandbox
let to: Sandbox
beforeEach(async () => {
  from = createSandbox()
  to = createSandbox()
  await from.run(["add", "work", "--key-stdin", "--tag", "work", "--budget", "50"], { input: SENTINELS.work })
  await from.run(["add", "ci", "--env", "CI_KEY", "--tag", "ci"])
  await from.run([
    "rules",
    "add",
    "--dir",
    "/src/work/**",
    "--account",
    "work",
    "--description",
    "work projects",
  ])
  await from.run(["rules", "add", "--model", "claude-haiku-*", "--tag", "ci"])
  await from.run(["strategy", "round-robin"])
})
afterEach(() => {
  from.cleanup()
  to.cleanup()
})

describe("export and import", () => {
  it("exports without secrets by default and imports what it can, mapping rule accounts to the new ids", async () => {
    const exported = await from.run(["export"])
    expect(exported.code).toBe(0)
    expectSchema("export", JSON.parse(exported.stdout))
    expect(exported.stdout).not.toContain(SENTINELS.work)
    expect(exported.stderr).toContain("1 api-key account(s) were exported without their key")
    const file = join(to.root, "pool.json")
    writeFileSync(file, exported.stdout)

    const dry = await to.run(["import", file, "--dry-run", "--json"])
    expectSchema("import", dry.json)
    expect(dry.json).toMatchObject({ dryRun: true, rules: { added: 1, skipped: 1 } })
    expect(((await to.run(["list", "--json"])).json as { accounts: unknown[] }).accounts).toEqual([])

    const imported = await to.run(["import", file, "--json"])
    expect(imported.code).toBe(0)
    expect((imported.json as { accounts: unknown[] }).accounts).toEqual([
      { label: "work", status: "skipped", id: null, reason: "exported without its key" },
      { label: "ci", status: "added", id: expect.stringMatching(/^acc_/), reason: null },
    ])
    const rules = (await to.run(["rules", "--json"])).json as { rules: { use: { tags: string[] } }[] }
    expect(rules.rules).toHaveLength(1)
    expect(rules.rules[0]!.use.tags).toEqual(["ci"])
    expect(((await to.run(["strategy", "--json"])).json as { strategy: string }).strategy).toBe("round-robin")
  })

  it("carries keys with --with-secrets into a 0600 file, with a warning, and the import is whole", async () => {
    const refused = await from.run(["export", "--with-secrets"])
    expect(refused.code).toBe(2)
    const file = join(from.root, "pool-with-keys.json")
    const exported = await from.run(["export", "--with-secrets", "-o", file])
    expect(exported.code).toBe(0)
    expect(exported.stderr).toMatch(/warning: this export holds your API keys in plain text/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, "utf8")).toContain(SENTINELS.work)

    const piped = await from.run(["export", "--with-secrets", "--output", "-"], { secretsExpected: true })
    expect(piped.stdout).toContain(SENTINELS.work)

    const imported = await to.run(["import", "-", "--json"], { input: readFileSync(file, "utf8") })
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr).toMatch(/warning: this export holds API keys/)
    expect((imported.json as { accounts: { status: string }[] }).accounts.map((a) => a.status)).toEqual([
      "added",
      "added",
    ])
    const rules = (await to.run(["rules", "--json"])).json as {
      rules: { use: { accounts: { label: string }[] } }[]
    }
    expect(rules.rules[0]!.use.accounts.map((a) => a.label)).toEqual(["work"])
    expect(readFileSync(join(to.home, "secrets.json"), "utf8")).toContain(SENTINELS.work)

    const twice = await to.run(["import", file, "--json"])
    expect((twice.json as { accounts: { status: string }[] }).accounts.map((a) => a.status)).toEqual([
      "exists",
      "exists",
    ])
    expect(twice.json).toMatchObject({ rules: { added: 0, skipped: 2 }, config: "unchanged" })
  })

  it("refuses what is not a keyrelay export", async () => {
    const file = join(to.root, "other.json")
    writeFileSync(file, '{"hello":"world"}')
    const run = await to.run(["import", file])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("not a keyrelay export")
    writeFileSync(file, '{"keyrelay":"export","version":9,"accounts":[]}')
    expect((await to.run(["import", file])).stderr).toContain("version 9")
    expect((await to.run(["import", join(to.root, "missing.json")])).stderr).toContain("ENOENT")
  })
})
