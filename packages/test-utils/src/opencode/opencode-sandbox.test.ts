import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createOpencodeSandbox } from "./opencode-sandbox.ts"
import { OPENCODE_VERSION } from "./resolve-opencode-binary.ts"

describe("createOpencodeSandbox", () => {
  let parent: string
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), "sandbox-parent-"))
  })
  afterAll(() => rmSync(parent, { recursive: true, force: true }))

  it("lays out HOME, the XDG dirs, TMPDIR and the project inside one new directory", async () => {
    const sandbox = await createOpencodeSandbox({ parent })
    try {
      expect(sandbox.root.startsWith(parent)).toBe(true)
      for (const dir of [
        sandbox.home,
        sandbox.stateHome,
        sandbox.cacheHome,
        sandbox.tmpDir,
        sandbox.project,
        sandbox.opencodeDataDir,
      ]) {
        expect(dir.startsWith(`${sandbox.root}/`)).toBe(true)
        expect(statSync(dir).isDirectory()).toBe(true)
      }
      expect(sandbox.opencodeConfigDir).toBe(join(sandbox.configHome, "opencode"))
      expect(sandbox.authFile).toBe(join(sandbox.dataHome, "opencode", "auth.json"))
      expect(existsSync(sandbox.authFile)).toBe(false)
    } finally {
      await sandbox.remove()
    }
  })

  it("seeds the global and the project config dir with the pinned plugin package", async () => {
    const sandbox = await createOpencodeSandbox({ parent })
    try {
      for (const dir of [sandbox.opencodeConfigDir, sandbox.projectConfigDir]) {
        expect(existsSync(join(dir, "node_modules"))).toBe(true)
        const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"))
        expect(lock.packages[""].dependencies["@opencode-ai/plugin"]).toBe(OPENCODE_VERSION)
      }
    } finally {
      await sandbox.remove()
    }
  })

  it("makes the project a git repository whose top level is the project itself", async () => {
    const sandbox = await createOpencodeSandbox({ parent })
    try {
      expect(sandbox.git).toBe(true)
      const top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
        cwd: sandbox.project,
        encoding: "utf8",
      })
      expect(top.trim()).toBe(sandbox.project)
    } finally {
      await sandbox.remove()
    }
  })

  it("skips git when asked", async () => {
    const sandbox = await createOpencodeSandbox({ parent, git: false })
    try {
      expect(sandbox.git).toBe(false)
      expect(existsSync(join(sandbox.project, ".git"))).toBe(false)
    } finally {
      await sandbox.remove()
    }
  })

  it("remove() deletes the whole directory", async () => {
    const sandbox = await createOpencodeSandbox({ parent })
    await sandbox.remove()
    expect(existsSync(sandbox.root)).toBe(false)
  })
})
