import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { seedOpencodeConfigDir } from "./seed-opencode-config-dir.ts"

describe("seedOpencodeConfigDir", () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it("writes node_modules, package.json and a lock that covers every dependency (OpenCode's skip condition)", async () => {
    const parent = mkdtempSync(join(tmpdir(), "seed-"))
    dirs.push(parent)
    const dir = join(parent, "opencode")
    await seedOpencodeConfigDir(dir, { version: "1.18.33" })
    expect(statSync(join(dir, "node_modules")).isDirectory()).toBe(true)
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"))
    expect(pkg.dependencies).toEqual({ "@opencode-ai/plugin": "1.18.33" })
    // OpenCode's Npm.install skips when every package.json dependency is in packages[""].dependencies.
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      expect(lock.packages[""].dependencies[name]).toBe(range)
    }
    expect(lock.lockfileVersion).toBe(3)
  })

  it("can seed the same dir again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seed-"))
    dirs.push(dir)
    await seedOpencodeConfigDir(dir, { version: "1.18.33" })
    await seedOpencodeConfigDir(dir, { version: "1.18.34" })
    expect(
      JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies["@opencode-ai/plugin"],
    ).toBe("1.18.34")
    expect(existsSync(join(dir, "node_modules"))).toBe(true)
  })
})
