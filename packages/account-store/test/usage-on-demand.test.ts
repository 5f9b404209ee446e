import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  ACCOUNT_STORE_ERROR_CODES,
  type AccountStore,
  openAccountStore,
  type StoreEvent,
} from "../src/index.ts"
import { tempHome } from "./helpers.ts"

const quiet = { watch: false, flushOnExit: false } as const
const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"
const OLD_DAY = "2020-01-15"

function counters(cost: number) {
  return {
    requests: 1,
    inputTokens: 10,
    outputTokens: 2,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    costMicroUsd: cost,
    unpricedRequests: 0,
  }
}

/** A store whose usage.json holds today and an old day, the old day as given (as text, to allow any key). */
async function homeWithUsage(oldDay: string): Promise<{ home: string; text: string }> {
  const home = tempHome()
  await mkdir(home, { recursive: true, mode: 0o700 })
  const today = new Date().toISOString().slice(0, 10)
  const text = `{"version":1,"days":{"${OLD_DAY}":${oldDay},"${today}":${JSON.stringify({
    [ACCOUNT]: { "claude-test": { "-": counters(7_000) } },
  })}}}`
  writeFileSync(join(home, "usage.json"), text, { mode: 0o600 })
  return { home, text }
}

function nextEvent(store: AccountStore, test: (e: StoreEvent) => boolean): Promise<StoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no matching store event")), 5_000)
    const off = store.subscribe((event) => {
      if (!test(event)) return
      clearTimeout(timer)
      off()
      resolve(event)
    })
  })
}

const corruptOldDay = JSON.stringify({
  [ACCOUNT]: { "claude-test": { "-": { ...counters(1), requests: -1 } } },
})

describe("usage read on demand", () => {
  it("opens, routes and totals this month without reading an old corrupt day", async () => {
    const { home, text } = await homeWithUsage(corruptOldDay)
    const store = await openAccountStore({ home, ...quiet })
    store.resolveRoute({ directory: "/home/me/app" })
    expect(store.usage({ from: new Date().toISOString().slice(0, 10) })).toMatchObject([
      { accountId: ACCOUNT, costMicroUsd: 7_000 },
    ])
    expect(store.budgets()).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(store.problems).toEqual([])
    expect(readFileSync(join(home, "usage.json"), "utf8")).toBe(text)
    // Recording into today checks today only (the flush that follows validates the whole file, see below).
    store.recordUsage({ accountId: ACCOUNT, model: "claude-test", costMicroUsd: 500 })
    expect(store.usage({ accountId: ACCOUNT, from: new Date().toISOString().slice(0, 10) })).toMatchObject([
      { costMicroUsd: 7_500, requests: 2 },
    ])
    expect(store.problems).toEqual([])
    await store.close()
  })

  it("moves the file aside and reports it when a corrupt day is read, as opening it used to", async () => {
    const { home, text } = await homeWithUsage(corruptOldDay)
    const store = await openAccountStore({ home, ...quiet })
    expect(store.problems).toEqual([])
    const reported = nextEvent(store, (e) => e.type === "problem")
    // The view drops to this process's own usage at once; the file is dealt with under the lock.
    expect(store.usage({ to: "2020-12-31" })).toEqual([])
    const { problem } = (await reported) as Extract<StoreEvent, { type: "problem" }>
    expect(problem).toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.FILE_CORRUPT, file: "usage.json" })
    expect(problem.message).toContain(
      `days.${OLD_DAY}.${ACCOUNT}.claude-test.-: expected nine usage counters`,
    )
    expect(readFileSync(problem.movedTo!, "utf8")).toBe(text)
    expect(store.usage()).toEqual([])
    store.recordUsage({ accountId: ACCOUNT, model: "claude-test", costMicroUsd: 3 })
    await store.flush()
    expect(store.usage()).toMatchObject([{ costMicroUsd: 3 }])
    expect(store.problems).toHaveLength(1)
    await store.close()
  })

  it("still validates the whole file before writing it back", async () => {
    const { home, text } = await homeWithUsage(corruptOldDay)
    const store = await openAccountStore({ home, ...quiet })
    store.recordUsage({ accountId: ACCOUNT, model: "claude-test", costMicroUsd: 5 })
    await store.flush()
    expect(store.problems).toMatchObject([
      { code: ACCOUNT_STORE_ERROR_CODES.FILE_CORRUPT, file: "usage.json" },
    ])
    expect(readFileSync(store.problems[0]!.movedTo!, "utf8")).toBe(text)
    const written = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
    expect(Object.keys(written.days)).toHaveLength(1)
    expect(readdirSync(home).filter((n) => n.startsWith("usage.json.corrupt-"))).toHaveLength(1)
    await store.close()
  })

  it("reads a project named constructor as a project, not as a doubt about the file", async () => {
    const day = `{"${ACCOUNT}":{"claude-test":{"constructor":${JSON.stringify(counters(1))},"-":${JSON.stringify(counters(2))}}}}`
    const { home, text } = await homeWithUsage(day)
    const store = await openAccountStore({ home, ...quiet })
    const events: StoreEvent[] = []
    store.subscribe((event) => events.push(event))
    expect(store.usage({ to: "2020-12-31" })).toMatchObject([
      { day: OLD_DAY, project: "constructor", costMicroUsd: 1 },
      { day: OLD_DAY, project: "-", costMicroUsd: 2 },
    ])
    await new Promise((resolve) => setTimeout(resolve, 50))
    // A valid day: nothing re-read, nothing reported, the file untouched.
    expect(events).toEqual([])
    expect(store.problems).toEqual([])
    expect(readFileSync(join(home, "usage.json"), "utf8")).toBe(text)
    await store.close()
  })
})
