import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  ACCOUNT_STORE_ERROR_CODES,
  type AccountStore,
  type Cooldown,
  mergeCooldown,
  openAccountStore,
} from "../src/index.ts"
import { runChild, tempHome } from "./helpers.ts"

/** Read through a variable: written out, `x.__proto__` is the prototype accessor to a linter. */
const PROTO = "__proto__"

const quiet = { watch: false, flushOnExit: false } as const
const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.parse("2026-04-01T08:00:00Z")
const CREDIT = `org:o1|sonnet-4.x`
const TRANSPORT = `acct:${ACCOUNT}`

/** A clock the test moves by hand, shared by every store it opens. */
function fakeClock(start = T0) {
  const clock = { now: start, read: () => clock.now }
  return clock
}

function credit(level: number, since: number, lengthMs: number): Cooldown {
  return { until: since + lengthMs, class: "credit", reason: `credit step ${level}`, level, since }
}

function cooldownsOnDisk(home: string): Record<string, Cooldown> {
  return JSON.parse(readFileSync(join(home, "state.json"), "utf8")).cooldowns
}

/** Makes the store write state.json now (a write is what prunes). */
async function write(store: AccountStore, at: number): Promise<void> {
  store.recordOutcome({ accountId: ACCOUNT, at, class: "ok" })
  await store.flush()
}

describe("ended cooldowns are remembered", () => {
  it("keeps an ended cooldown through writes, a reopen and another process, then forgets it a day after it ended", async () => {
    const home = tempHome()
    const clock = fakeClock()
    const a = await openAccountStore({ home, ...quiet, now: clock.read })
    a.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: credit(1, T0, MINUTE) } })
    await a.flush()
    clock.now = T0 + 5 * MINUTE
    // An isolated transport fault: a record that ends when it is made, so the next fault knows it is not the first.
    const fault: Cooldown = {
      until: clock.now,
      class: "transport",
      reason: "reset",
      level: 1,
      since: clock.now,
    }
    a.recordOutcome({ accountId: ACCOUNT, cooldowns: { [TRANSPORT]: fault } })
    await write(a, clock.now)
    expect(cooldownsOnDisk(home)).toEqual({ [CREDIT]: credit(1, T0, MINUTE), [TRANSPORT]: fault })

    clock.now = T0 + 30 * MINUTE
    const b = await openAccountStore({ home, ...quiet, now: clock.read })
    expect(b.state.cooldowns[CREDIT]).toEqual(credit(1, T0, MINUTE))
    expect(b.state.cooldowns[TRANSPORT]).toEqual(fault)
    await write(b, clock.now)
    await a.reload()
    expect(a.state.cooldowns[TRANSPORT]).toEqual(fault)

    // Exactly a day after it ended it is still remembered (rotation-strategies: `now - until <= forgetAfterMs`)…
    clock.now = T0 + MINUTE + DAY
    await write(b, clock.now)
    expect(Object.keys(cooldownsOnDisk(home)).sort()).toEqual([TRANSPORT, CREDIT].sort())
    // …and one millisecond later it is gone, from the file and from both views.
    clock.now += 1
    await write(b, clock.now)
    expect(Object.keys(cooldownsOnDisk(home))).toEqual([TRANSPORT])
    expect(Object.keys(b.state.cooldowns)).toEqual([TRANSPORT])
    await a.reload()
    expect(Object.keys(a.state.cooldowns)).toEqual([TRANSPORT])
    clock.now = T0 + 5 * MINUTE + DAY + 1
    await write(a, clock.now)
    expect(cooldownsOnDisk(home)).toEqual({})
    await a.close()
    await b.close()
  })

  it("forgets after forgetCooldownsAfterMs when one is given, and refuses a malformed one", async () => {
    const home = tempHome()
    const clock = fakeClock()
    const store = await openAccountStore({ home, ...quiet, now: clock.read, forgetCooldownsAfterMs: HOUR })
    store.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: credit(1, T0, MINUTE) } })
    clock.now = T0 + MINUTE + HOUR
    await write(store, clock.now)
    expect(Object.keys(cooldownsOnDisk(home))).toEqual([CREDIT])
    clock.now += 1
    await write(store, clock.now)
    expect(cooldownsOnDisk(home)).toEqual({})
    await store.close()
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1" as unknown as number]) {
      await expect(openAccountStore({ home, ...quiet, forgetCooldownsAfterMs: bad })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.INVALID_OPTIONS,
      })
    }
  })
})

describe("escalation across processes", () => {
  it("merges a cooldown by its later until and the higher level of the two", async () => {
    const home = tempHome()
    const clock = fakeClock()
    const a = await openAccountStore({ home, ...quiet, now: clock.read })
    const b = await openAccountStore({ home, ...quiet, now: clock.read })
    // a escalated to step 3; b, which had not seen that yet, set a later cooldown at step 1.
    const third = credit(3, T0, 30 * MINUTE)
    const first = credit(1, T0 + 10 * MINUTE, 60 * MINUTE)
    a.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: third } })
    b.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: first } })
    await a.flush()
    await b.flush()
    await a.reload()
    const merged = { ...first, level: 3 }
    expect(cooldownsOnDisk(home)[CREDIT]).toEqual(merged)
    expect(a.state.cooldowns[CREDIT]).toEqual(merged)
    expect(b.state.cooldowns[CREDIT]).toEqual(merged)
    // The other order gives the same record.
    const home2 = tempHome()
    const c = await openAccountStore({ home: home2, ...quiet, now: clock.read })
    const d = await openAccountStore({ home: home2, ...quiet, now: clock.read })
    c.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: third } })
    d.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: first } })
    await d.flush()
    await c.flush()
    expect(cooldownsOnDisk(home2)[CREDIT]).toEqual(merged)
    for (const store of [a, b, c, d]) await store.close()
  })

  it("lets a ladder restart once its last cooldown is forgotten, even where the old record was never pruned yet", async () => {
    const home = tempHome()
    const clock = fakeClock()
    const a = await openAccountStore({ home, ...quiet, now: clock.read })
    const b = await openAccountStore({ home, ...quiet, now: clock.read })
    a.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: credit(4, T0, 2 * HOUR) } })
    await a.flush()
    await b.reload()
    // A day and a bit after the 2 h step ended, nobody has written since: both views and the file still hold it.
    clock.now = T0 + 2 * HOUR + DAY + 1
    expect(b.state.cooldowns[CREDIT]!.level).toBe(4)
    const restarted = credit(1, clock.now, MINUTE)
    b.recordOutcome({ accountId: ACCOUNT, cooldowns: { [CREDIT]: restarted } })
    expect(b.state.cooldowns[CREDIT]).toEqual(restarted)
    await b.flush()
    expect(cooldownsOnDisk(home)[CREDIT]).toEqual(restarted)
    await a.reload()
    expect(a.state.cooldowns[CREDIT]).toEqual(restarted)
    await a.close()
    await b.close()
  })

  it("merges one key's records from Node and Bun processes into the record mergeCooldown folds them to", async () => {
    const home = tempHome()
    const now = Date.now()
    // Ended (but remembered) and holding records, at various levels; `__proto__` is a key like any other.
    const records: Cooldown[] = [
      { until: now - HOUR, class: "credit", reason: "step 4", level: 4, since: now - 3 * HOUR },
      { until: now + 5 * MINUTE, class: "credit", reason: "step 1", level: 1, since: now },
      { until: now - MINUTE, class: "credit", reason: "step 2", level: 2, since: now - 6 * MINUTE },
      { until: now + 2 * MINUTE, class: "rate-limit", reason: "429", level: 1, since: now },
    ]
    const runtimes = ["node", "bun", "node", "bun"] as const
    const children = records.map((record, i) =>
      runChild(
        [
          "cooldowns",
          home,
          ACCOUNT,
          `{"${CREDIT}":${JSON.stringify(record)},"__proto__":${JSON.stringify(record)}}`,
        ],
        runtimes[i],
      ),
    )
    const results = await Promise.all(children.map((c) => c.exited))
    for (const [i, result] of results.entries())
      expect(result, `child ${i} (${runtimes[i]})`).toEqual({ code: 0, signal: null })
    const expected = records.reduce<Cooldown | undefined>((m, r) => mergeCooldown(m, r), undefined)
    expect(expected).toEqual({ ...records[1], level: 4 })
    const text = readFileSync(join(home, "state.json"), "utf8")
    const onDisk = JSON.parse(text).cooldowns
    expect(Object.keys(onDisk)).toEqual([CREDIT, "__proto__"])
    expect(onDisk[CREDIT]).toEqual(expected)
    expect(onDisk[PROTO]).toEqual(expected)
  }, 60_000)
})

describe("the state file stays bounded", () => {
  it("holds at most the keys whose cooldown held or ended within the last day, however long it runs", async () => {
    const home = tempHome()
    const clock = fakeClock()
    const store = await openAccountStore({ home, ...quiet, now: clock.read })
    const perHour = 5
    const longest = 2 * HOUR
    // A key set at hour h lasts at most 2 h and is remembered a day after: present from h to h + 26 h.
    const bound = perHour * (Math.ceil((longest + DAY) / HOUR) + 1)
    let most = 0
    let largestFile = 0
    let seed = 1
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647
      return seed / 2_147_483_647
    }
    const hours = 24 * 10
    for (let hour = 0; hour < hours; hour++) {
      clock.now = T0 + hour * HOUR
      const cooldowns: Record<string, Cooldown> = {}
      for (let k = 0; k < perHour; k++) {
        // A fresh key every time (a new organization or model class): nothing is ever overwritten.
        cooldowns[`org:o${hour}-${k}|sonnet-4.x`] = credit(1 + k, clock.now, Math.floor(random() * longest))
      }
      store.recordOutcome({ accountId: ACCOUNT, cooldowns })
      await store.flush()
      const count = Object.keys(cooldownsOnDisk(home)).length
      most = Math.max(most, count)
      expect(count, `hour ${hour}`).toBeLessThanOrEqual(bound)
      if (hour >= 30) largestFile = Math.max(largestFile, statSync(join(home, "state.json")).size)
      if (hour === 29) expect(count).toBeGreaterThanOrEqual(perHour * 25)
    }
    // It reached the bound's regime (a day of ended records is kept), never more, and the file stopped growing.
    expect(most).toBeGreaterThanOrEqual(perHour * 25)
    expect(largestFile).toBeLessThan(bound * 200)
    // With nothing new for a day after the last cooldown ended, nothing is left.
    clock.now = T0 + hours * HOUR + longest + DAY + 1
    await write(store, clock.now)
    expect(cooldownsOnDisk(home)).toEqual({})
    expect(store.state.cooldowns).toEqual({})
    await store.close()
  }, 60_000)
})
