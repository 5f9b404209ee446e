import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { openAccountStore } from "../src/index.ts"
import { runChild, tempHome } from "./helpers.ts"

const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"
const UPDATES = Number(process.env.KEYRELAY_TEST_UPDATES ?? 500)
const KILL_RUNS = Number(process.env.KEYRELAY_TEST_KILL_RUNS ?? 200)

function allJsonParses(home: string): void {
  for (const name of readdirSync(home)) {
    if (name.endsWith(".json"))
      expect(() => JSON.parse(readFileSync(join(home, name), "utf8")), name).not.toThrow()
  }
}

describe("many processes, one store", () => {
  it(`loses no update: 8 processes (6 Node, 2 Bun) × ${UPDATES} interleaved locked merges`, async () => {
    const home = tempHome()
    const runtimes = ["node", "bun", "node", "node", "bun", "node", "node", "node"] as const
    const children = runtimes.map((runtime, i) =>
      runChild(["updates", home, String(UPDATES), `p${i}`, ACCOUNT], runtime),
    )
    const results = await Promise.all(children.map((c) => c.exited))
    for (const [i, result] of results.entries())
      expect(result, `child ${i} (${runtimes[i]})`).toEqual({ code: 0, signal: null })
    allJsonParses(home)
    const store = await openAccountStore({ home, watch: false, flushOnExit: false })
    const rows = store.usage({ accountId: ACCOUNT })
    expect(rows).toHaveLength(8)
    const expectedInput = (UPDATES * (UPDATES - 1)) / 2
    for (const row of rows) {
      expect(row.requests, row.project).toBe(UPDATES)
      expect(row.inputTokens, row.project).toBe(expectedInput)
      expect(row.costMicroUsd, row.project).toBe(UPDATES)
    }
    expect(readdirSync(home).filter((n) => n.includes(".tmp-"))).toEqual([])
    await store.close()
  }, 180_000)

  it(`keeps every committed account across ${KILL_RUNS} writers killed with SIGKILL at random points`, async () => {
    const parallel = 4
    let next = 0
    let committedTotal = 0
    const worker = async () => {
      while (next < KILL_RUNS) {
        const run = next++
        const home = tempHome()
        const child = runChild(["adds", home, `r${run}`])
        await child.waitFor("ready", 30_000).catch(() => {})
        // Kill anywhere from right after start-up to a few dozen writes in.
        await new Promise((r) => setTimeout(r, Math.random() * 120))
        child.process.kill("SIGKILL")
        await child.exited
        const committed = child.lines.filter((l) => l.startsWith("committed ")).map((l) => l.slice(10))
        committedTotal += committed.length
        allJsonParses(home)
        const store = await openAccountStore({ home, watch: false, flushOnExit: false, lockTimeoutMs: 5_000 })
        expect(store.problems).toEqual([])
        const ids = new Set(store.listAccounts().map((a) => a.id))
        for (const id of committed) {
          expect(ids.has(id), `run ${run}: committed ${id} lost`).toBe(true)
          const account = store.getAccount(id)!
          if (account.credential.kind === "api-key")
            expect((await store.getSecret(id)).reveal()).toContain(`-r${run}-`)
        }
        // The store is writable again: the dead writer's lock was recovered.
        await store.addAccount({ label: "after", credential: { kind: "env", variable: "AFTER" } })
        await store.close()
      }
    }
    await Promise.all(Array.from({ length: parallel }, worker))
    expect(committedTotal).toBeGreaterThan(0)
  }, 240_000)
})
