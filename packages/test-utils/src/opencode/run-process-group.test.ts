import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitUntilGone } from "../../test/fixtures/process-exit.ts"
import { runProcessGroup } from "./run-process-group.ts"

let dir: string
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" }
const node = (script: string) => [process.execPath, "-e", script]

// A grandchild that would live for a minute, writing its pid where the test can find it.
const spawnGrandchild = (pidFile: string) =>
  `const c=require("child_process").spawn(process.execPath,["-e","setTimeout(()=>{},60000)"],{stdio:"inherit"});` +
  `require("fs").writeFileSync(${JSON.stringify(pidFile)},String(c.pid));`

describe("runProcessGroup", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pgroup-"))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("captures stdout, stderr and the exit code, with stdin from /dev/null", async () => {
    const outcome = await runProcessGroup(
      node(
        `const fs=require("fs");const a=fs.fstatSync(0),b=fs.statSync("/dev/null");` +
          `process.stdout.write(String(a.rdev===b.rdev&&a.isCharacterDevice()));process.stderr.write("err");process.exit(3)`,
      ),
      { cwd: dir, env, timeoutMs: 10_000 },
    )
    expect(outcome).toMatchObject({
      exitCode: 3,
      signal: null,
      stdout: "true",
      stderr: "err",
      timedOut: false,
    })
    expect(outcome.durationMs).toBeGreaterThan(0)
  })

  it("runs in cwd with exactly the given environment", async () => {
    const outcome = await runProcessGroup(
      node("process.stdout.write(JSON.stringify([process.cwd(),process.env]))"),
      {
        cwd: dir,
        env: { ...env, ONLY_THIS: "1" },
        timeoutMs: 10_000,
      },
    )
    const [cwd, seen] = JSON.parse(outcome.stdout) as [string, Record<string, string>]
    expect(cwd).toBe(dir)
    expect(seen.ONLY_THIS).toBe("1")
    expect(seen.HOME).toBeUndefined()
  })

  it("kills the whole group, grandchildren included, when the time is up", async () => {
    const pidFile = join(dir, "timeout.pid")
    const started = Date.now()
    const outcome = await runProcessGroup(node(`${spawnGrandchild(pidFile)}setTimeout(()=>{},60000)`), {
      cwd: dir,
      env,
      timeoutMs: 1000,
    })
    expect(outcome).toMatchObject({ timedOut: true, signal: "SIGKILL", exitCode: null })
    expect(Date.now() - started).toBeLessThan(10_000)
    const grandchild = Number(readFileSync(pidFile, "utf8"))
    expect(await waitUntilGone(grandchild)).toBe(true)
  })

  it("kills what the leader left behind when it exits, without waiting for it", async () => {
    const pidFile = join(dir, "straggler.pid")
    const started = Date.now()
    const outcome = await runProcessGroup(node(`${spawnGrandchild(pidFile)}process.exit(0)`), {
      cwd: dir,
      env,
      timeoutMs: 30_000,
    })
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(existsSync(pidFile)).toBe(true)
    const grandchild = Number(readFileSync(pidFile, "utf8"))
    expect(await waitUntilGone(grandchild)).toBe(true)
  })

  it("kills the group when the signal aborts", async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const outcome = await runProcessGroup(node("setTimeout(()=>{},60000)"), {
      cwd: dir,
      env,
      timeoutMs: 30_000,
      signal: controller.signal,
    })
    expect(outcome).toMatchObject({ timedOut: true, signal: "SIGKILL" })
  })

  it("rejects when the command cannot be started", async () => {
    await expect(
      runProcessGroup([join(dir, "no-such-binary")], { cwd: dir, env, timeoutMs: 1000 }),
    ).rejects.toThrow(/ENOENT/)
  })
})
