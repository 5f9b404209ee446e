import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createSandbox, expectSchema, type Sandbox, SENTINELS } from "./support.ts"

let sandbox: Sandbox
let configDir: string
let authPath: string
beforeEach(() => {
  sandbox = createSandbox()
  configDir = join(sandbox.root, "xdg-config", "opencode")
  authPath = join(sandbox.root, "xdg-data", "opencode", "auth.json")
})
afterEach(() => sandbox.cleanup())

function writeAuth(data: unknown) {
  mkdirSync(join(sandbox.root, "xdg-data", "opencode"), { recursive: true })
  writeFileSync(authPath, JSON.stringify(data), { mode: 0o600 })
}

describe("opencode status", () => {
  it("says what is missing and how to fix it (exit 1), as text and JSON", async () => {
    const human = await sandbox.run(["opencode", "status"])
    expect(human.code).toBe(1)
    expect(human.stdout).toContain('plugin not configured: no "opencode-keyrelay"')
    expect(human.stdout).toContain("OpenCode will not run the plugin's loader")
    expect(human.stdout).toContain("Fix: `keyrelay opencode setup`")
    const json = await sandbox.run(["opencode", "status", "--json"])
    expectSchema("opencode status", json.json)
    expect(json.json).toMatchObject({
      pluginConfigured: false,
      ready: false,
      auth: { anthropic: "missing", exists: false },
    })
  })

  it("finds the plugin in a project's opencode.jsonc with options, and in OPENCODE_CONFIG_CONTENT", async () => {
    writeFileSync(
      join(sandbox.root, "project", "opencode.jsonc"),
      '// project config\n{ "plugin": [["opencode-keyrelay@1.2.0", { "toasts": false }]], }\n',
    )
    writeAuth({ anthropic: { type: "api", key: "keyrelay-managed" } })
    const run = await sandbox.run(["opencode", "status", "--json"])
    expect(run.json).toMatchObject({ pluginConfigured: true, ready: true, auth: { anthropic: "marker" } })
    const fromEnv = await sandbox.run(["opencode", "status", "--json"], {
      cwd: sandbox.root,
      env: { OPENCODE_CONFIG_CONTENT: '{"plugin":["opencode-keyrelay"]}' },
    })
    expect(fromEnv.json).toMatchObject({ pluginConfigured: true })
  })
})

describe("opencode setup", () => {
  it("adds the plugin to the global config keeping its comments, and writes the marker 0600", async () => {
    mkdirSync(configDir, { recursive: true })
    const original =
      '{\n  // my settings\n  "theme": "dark",\n  "plugin": ["some-other-plugin"] // keep me\n}\n'
    writeFileSync(join(configDir, "opencode.jsonc"), original)
    const run = await sandbox.run(["opencode", "setup", "--yes", "--json"])
    expect(run.code, run.stderr).toBe(0)
    expectSchema("opencode setup", run.json)
    expect(run.json).toMatchObject({ plugin: { status: "added" }, auth: { status: "added", backup: null } })
    const edited = readFileSync(join(configDir, "opencode.jsonc"), "utf8")
    expect(edited).toContain("// my settings")
    expect(edited).toContain("// keep me")
    expect(edited).toMatch(/"plugin": \[\s*"some-other-plugin",\s*"opencode-keyrelay"\s*\] \/\/ keep me/)
    expect(JSON.parse(readFileSync(authPath, "utf8"))).toEqual({
      anthropic: { type: "api", key: "keyrelay-managed" },
    })
    expect(statSync(authPath).mode & 0o777).toBe(0o600)
    const again = await sandbox.run(["opencode", "setup", "--yes", "--json"])
    expect(again.json).toMatchObject({ plugin: { status: "present" }, auth: { status: "present" } })
    expect(readFileSync(join(configDir, "opencode.jsonc"), "utf8")).toBe(edited)
    expect((await sandbox.run(["opencode", "status"])).code).toBe(0)
  })

  it("creates a config when there is none, and keeps other providers' auth entries", async () => {
    writeAuth({ openai: { type: "api", key: "other-provider-key" } })
    const run = await sandbox.run(["opencode", "setup", "--yes"])
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(configDir, "opencode.jsonc"), "utf8"))).toEqual({
      $schema: "https://opencode.ai/config.json",
      plugin: ["opencode-keyrelay"],
    })
    expect(JSON.parse(readFileSync(authPath, "utf8"))).toEqual({
      openai: { type: "api", key: "other-provider-key" },
      anthropic: { type: "api", key: "keyrelay-managed" },
    })
  })

  it("never replaces a real key silently: kept without --import-key, moved into the pool with a backup with it", async () => {
    writeAuth({ anthropic: { type: "api", key: SENTINELS.personal } })
    const kept = await sandbox.run(["opencode", "setup", "--yes", "--json"])
    expect(kept.json).toMatchObject({ auth: { status: "kept" } })
    expect(readFileSync(authPath, "utf8")).toContain(SENTINELS.personal)

    const moved = await sandbox.run(["opencode", "setup", "--yes", "--import-key", "--json"])
    expect(moved.code, moved.stderr).toBe(0)
    expect(moved.json).toMatchObject({ auth: { status: "imported", importedAccount: { label: "opencode" } } })
    const backup = (moved.json as { auth: { backup: string } }).auth.backup
    expect(readFileSync(backup, "utf8")).toContain(SENTINELS.personal)
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(authPath, "utf8"))).toEqual({
      anthropic: { type: "api", key: "keyrelay-managed" },
    })
    const list = await sandbox.run(["list", "--json"])
    expect((list.json as { accounts: { label: string; credential: unknown }[] }).accounts).toEqual([
      expect.objectContaining({ label: "opencode", credential: { kind: "api-key", hint: "sk-ant-…0000" } }),
    ])
  })

  it("asks before replacing another kind of sign-in, and refuses unreadable files", async () => {
    writeAuth({ anthropic: { type: "oauth", refresh: "r", access: "a", expires: 1 } })
    const noTerminal = await sandbox.run(["opencode", "setup"])
    expect(noTerminal.code).toBe(2)
    expect(noTerminal.stderr).toMatch(/--yes/)
    const replaced = await sandbox.run(["opencode", "setup", "--yes", "--json"])
    expect(replaced.json).toMatchObject({ auth: { status: "replaced" } })
    expect(
      readdirSync(join(sandbox.root, "xdg-data", "opencode")).some((n) =>
        n.startsWith("auth.json.keyrelay-backup-"),
      ),
    ).toBe(true)

    writeFileSync(authPath, "{ not json")
    const broken = await sandbox.run(["opencode", "setup", "--yes"])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/does not parse/)
    expect(readFileSync(authPath, "utf8")).toBe("{ not json")
  })

  it("does not edit a global config that does not parse, and says what line to add", async () => {
    mkdirSync(configDir, { recursive: true })
    writeFileSync(join(configDir, "opencode.json"), "{ broken")
    const unreadableConfig = await sandbox.run(["opencode", "setup", "--yes"])
    expect(unreadableConfig.code).toBe(1)
    expect(unreadableConfig.stderr).toContain('add this line yourself: "plugin": ["opencode-keyrelay"]')
    expect(existsSync(join(configDir, "opencode.jsonc"))).toBe(false)
  })
})
