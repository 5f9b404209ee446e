import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ACCOUNT_STORE_ERROR_CODES, type AccountStore, openAccountStore } from "../src/index.ts"
import { runChild, tempHome } from "./helpers.ts"

const quiet = { watch: false, flushOnExit: false } as const

/** Settles with `"hung"` when `promise` does not settle in time, instead of hanging the test. */
function within<T>(promise: Promise<T>, ms = 3_000): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), ms)
    }),
  ])
}

async function withStore<T>(fn: (store: AccountStore, home: string) => Promise<T>, options = {}): Promise<T> {
  const home = tempHome()
  const store = await openAccountStore({ home, ...quiet, lockTimeoutMs: 2_000, ...options })
  try {
    return await fn(store, home)
  } finally {
    await store.close()
  }
}

describe("store methods called inside withLock", () => {
  it("reload returns, and sees a file changed by hand", async () => {
    await withStore(async (store, home) => {
      await store.updateConfig({ strategy: "before" })
      const path = join(home, "config.json")
      const file = JSON.parse(readFileSync(path, "utf8"))
      file.config.strategy = "edited"
      writeFileSync(path, JSON.stringify(file), { mode: 0o600 })
      const seen = await within(
        store.withLock(async () => {
          await store.reload()
          return store.config.strategy
        }),
      )
      expect(seen).toBe("edited")
    })
  })

  it("reload inside withLock does not join a reload queued behind the holder", async () => {
    await withStore(async (store) => {
      // A reload started outside the turn while it runs (as the watcher's would be) queues behind the holder.
      let fire!: () => void
      const outside = new Promise<void>((resolve) => {
        fire = resolve
      }).then(() => store.reload())
      const outcome = await within(
        store.withLock(async () => {
          fire()
          await new Promise((resolve) => setTimeout(resolve, 5))
          await store.reload()
          return "returned"
        }),
      )
      expect(outcome).toBe("returned")
      expect(await within(outside)).toBeUndefined()
    })
  })

  it("updateConfig reads and writes under the holder's lock (no empty patch needed)", async () => {
    await withStore(async (store) => {
      await store.updateConfig({ toasts: { enabled: true, durationMs: 500 } })
      const result = await within(
        store.withLock(async () => {
          await store.reload()
          const current = store.config.toasts
          return store.updateConfig({ toasts: { ...current, onSwitch: false } })
        }),
      )
      expect(result).toMatchObject({ toasts: { enabled: true, durationMs: 500, onSwitch: false } })
    })
  })

  it("addAccount, updateAccount, removeAccount and rules commit inside withLock", async () => {
    await withStore(async (store, home) => {
      const outcome = await within(
        store.withLock(async () => {
          const a = await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })
          const b = await store.addAccount({ label: "b", credential: { kind: "env", variable: "B" } })
          await store.updateAccount(a.id, { label: "a2" })
          await store.removeAccount(b.id)
          await store.addRule({ match: { models: ["claude-*"] }, use: { accounts: [a.id] } })
          return store.listAccounts().map((x) => x.label)
        }),
      )
      expect(outcome).toEqual(["a2"])
      const other = await openAccountStore({ home, ...quiet })
      expect(other.listAccounts().map((x) => x.label)).toEqual(["a2"])
      expect(other.listRules()).toHaveLength(1)
      await other.close()
    })
  })

  it("updateTokenSlot and readTokenSlot work inside withLock, and siblings do not interleave", async () => {
    await withStore(async (store) => {
      const { id } = await store.addAccount({ label: "t", credential: { kind: "env", variable: "T" } })
      const increment = () =>
        store.updateTokenSlot(id, "counter", async (current) => {
          const next = Number(current?.value.reveal() ?? 0) + 1
          // Yield between read and write: an unserialized sibling would read the same value and lose an update.
          await new Promise((resolve) => setTimeout(resolve, 2))
          return { value: String(next) }
        })
      const outcome = await within(
        store.withLock(async () => {
          await Promise.all(Array.from({ length: 10 }, increment))
          return (await store.readTokenSlot(id, "counter"))?.value.reveal()
        }),
      )
      expect(outcome).toBe("10")
    })
  })

  it("flush, clearCooldowns and close return inside withLock, even with a flush queued behind the holder", async () => {
    await withStore(
      async (store, home) => {
        const { id } = await store.addAccount({ label: "f", credential: { kind: "env", variable: "F" } })
        const now = Date.now()
        const outcome = await within(
          store.withLock(async () => {
            store.recordUsage({ accountId: id, model: "claude-test", inputTokens: 5 })
            store.recordOutcome({
              accountId: id,
              cooldowns: {
                [`acct:${id}`]: {
                  until: now + 60_000,
                  class: "rate-limit",
                  reason: "429",
                  level: 1,
                  since: now,
                },
              },
            })
            // The debounced flush fires while this turn holds the lock, and queues behind it.
            await new Promise((resolve) => setTimeout(resolve, 30))
            await store.flush()
            await store.clearCooldowns(() => true)
            return "done"
          }),
        )
        expect(outcome).toBe("done")
        const usage = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
        expect(JSON.stringify(usage)).toContain('"inputTokens":5')
        expect(store.state.cooldowns).toEqual({})
        expect(await within(store.withLock(() => store.close()))).toBeUndefined()
      },
      { flushIntervalMs: 0 },
    )
  })
})

describe("who waits for whom", () => {
  it("another process waits while this one is inside withLock, and commits after", async () => {
    await withStore(async (store, home) => {
      let child: ReturnType<typeof runChild> | undefined
      await store.withLock(async () => {
        await store.updateConfig({ strategy: "held" })
        child = runChild(["add-one", home, "from-child"])
        await child.waitFor("ready")
        await new Promise((resolve) => setTimeout(resolve, 600))
        expect(child.lines.some((l) => l.startsWith("committed"))).toBe(false)
        await store.reload()
      })
      await child!.waitFor("committed")
      await store.reload()
      expect(store.listAccounts().map((a) => a.label)).toEqual(["from-child"])
    })
  })

  it("a timer set inside withLock that fires after it ended takes the lock like anyone else", async () => {
    await withStore(
      async (store, home) => {
        const { id } = await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })
        // A flush now, so the next one is debounced to a full interval from here.
        store.recordOutcome({ accountId: id, class: "ok" })
        await store.flush()
        // Recorded inside the turn: the debounced flush's timer is created in the turn's async context.
        await store.withLock(() => {
          store.recordUsage({ accountId: id, model: "claude-test", inputTokens: 3 })
        })
        const holder = runChild(["hold-lock", home])
        await holder.waitFor("locked")
        const problem = new Promise((resolve) =>
          store.subscribe((event) => {
            if (event.type === "problem") resolve(event.problem.code)
          }),
        )
        // The flush must wait for the other process's lock (and time out), never write past it.
        expect(await within(problem, 5_000)).toBe(ACCOUNT_STORE_ERROR_CODES.LOCK_TIMEOUT)
        expect(() => readFileSync(join(home, "usage.json"), "utf8")).toThrow()
        holder.process.kill("SIGKILL")
        await holder.exited
        await store.flush()
        expect(store.usage()).toMatchObject([{ inputTokens: 3 }])
      },
      { flushIntervalMs: 1_500, lockTimeoutMs: 800 },
    )
  })

  it.each(["node", "bun"] as const)("every locking method returns inside withLock in %s", async (runtime) => {
    const child = runChild(["nested", tempHome()], runtime)
    expect(await child.exited).toEqual({ code: 0, signal: null })
    const nested = child.lines.filter((l) => l.startsWith("nested "))
    expect(nested).toHaveLength(10)
    for (const line of nested) expect(line).toMatch(/ ok$/)
  })
})
