import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { FileLock } from "../src/_file-lock.ts"
import { currentProcess } from "../src/_process-identity.ts"
import { ACCOUNT_STORE_ERROR_CODES, openAccountStore } from "../src/index.ts"
import { runChild, tempHome } from "./helpers.ts"

describe("the cross-process lock", () => {
  it("recovers a lock left by a process killed with SIGKILL while holding it", async () => {
    const home = tempHome()
    const holder = runChild(["hold-lock", home])
    await holder.waitFor("locked")
    expect(readdirSync(join(home, ".lock"))).toHaveLength(1)
    holder.process.kill("SIGKILL")
    await holder.exited
    const store = await openAccountStore({ home, watch: false, flushOnExit: false, lockTimeoutMs: 5_000 })
    const started = Date.now()
    await store.addAccount({ label: "after", credential: { kind: "env", variable: "AFTER_KILL" } })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(store.listAccounts().map((a) => a.label)).toEqual(["after"])
    await store.close()
  })

  it("never steals from a live holder whose event loop is blocked, and proceeds once it lets go", async () => {
    const home = tempHome()
    const holder = runChild(["hold-lock-busy", home, "2500"])
    await holder.waitFor("locked")
    const impatient = await openAccountStore({ home, watch: false, flushOnExit: false, lockTimeoutMs: 800 })
    await expect(
      impatient.addAccount({ label: "x", credential: { kind: "env", variable: "X" } }),
    ).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.LOCK_TIMEOUT,
      message: expect.stringContaining(`process ${holder.process.pid}`),
    })
    await impatient.close()
    const patient = await openAccountStore({ home, watch: false, flushOnExit: false, lockTimeoutMs: 10_000 })
    await patient.addAccount({ label: "y", credential: { kind: "env", variable: "Y" } })
    expect(holder.lines).toContain("released")
    await patient.close()
  })

  it("replaces an empty lock directory at once, and an unreadable owner only once it is old", async () => {
    const home = tempHome()
    const dir = join(home, ".lock")
    mkdirSync(dir, { recursive: true })
    const lock = new FileLock(dir, { timeoutMs: 300, orphanStaleMs: 1_000 })
    await lock.acquire()
    lock.release()
    expect(readdirSync(home)).toEqual([])

    mkdirSync(dir)
    const garbled = join(dir, "owner-00000000000000ff")
    writeFileSync(garbled, "")
    await expect(lock.acquire()).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.LOCK_TIMEOUT })
    const old = new Date(Date.now() - 5_000)
    utimesSync(garbled, old, old)
    await lock.acquire()
    expect(lock.held).toBe(true)
    lock.release()
    expect(readdirSync(home)).toEqual([])
  })

  it("judges an owner on another host by its heartbeat, and a dead local pid at once", async () => {
    const home = tempHome()
    const dir = join(home, ".lock")
    mkdirSync(dir, { recursive: true })
    const remote = join(dir, "owner-0000000000000001")
    writeFileSync(remote, JSON.stringify({ pid: 1, host: "another-host", acquiredAt: 0 }))
    const lock = new FileLock(dir, { timeoutMs: 300, remoteStaleMs: 2_000 })
    await expect(lock.acquire()).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.LOCK_TIMEOUT })
    const old = new Date(Date.now() - 10_000)
    utimesSync(remote, old, old)
    await lock.acquire()
    lock.release()

    mkdirSync(dir)
    // A pid that cannot be running (above the kernel's pid_max) on this very host.
    writeFileSync(
      join(dir, "owner-0000000000000002"),
      JSON.stringify({ ...currentProcess(), pid: 2 ** 30, acquiredAt: 0 }),
    )
    await lock.acquire()
    lock.release()
  })

  it("treats a live pid with another start time as a reused pid, hence dead", async () => {
    const home = tempHome()
    const dir = join(home, ".lock")
    mkdirSync(dir, { recursive: true })
    const me = currentProcess()
    if (me.startTime === undefined) return // not Linux: no start time to compare
    writeFileSync(
      join(dir, "owner-0000000000000003"),
      JSON.stringify({ ...me, startTime: "1", acquiredAt: 0 }),
    )
    const lock = new FileLock(dir, { timeoutMs: 1_000 })
    await lock.acquire()
    lock.release()
  })

  it("excludes concurrent holders in one process", async () => {
    const home = tempHome()
    mkdirSync(home, { recursive: true })
    const locks = Array.from({ length: 4 }, () => new FileLock(join(home, ".lock")))
    let inside = 0
    let maxInside = 0
    await Promise.all(
      locks.flatMap((lock) =>
        Array.from({ length: 1 }, async () => {
          for (let i = 0; i < 20; i++) {
            await lock.acquire()
            inside++
            maxInside = Math.max(maxInside, inside)
            await new Promise((r) => setTimeout(r, 1))
            inside--
            lock.release()
          }
        }),
      ),
    )
    expect(maxInside).toBe(1)
  })
})
