import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Cooldown, StateFile } from "./_state-file.ts"
import type { UsageFile } from "./_usage-file.ts"
import {
  accountOfKey,
  addUsageInto,
  emptyCounters,
  mergeCooldown,
  mergeStateInto,
  pruneState,
  pruneUsage,
  usageCell,
  utcDay,
} from "./merge-runtime-state.ts"

/** Read through a variable: written out, `x.__proto__` is the prototype accessor to a linter. */
const PROTO = "__proto__"

const cooldown = fc.record({
  until: fc.integer({ min: 0, max: 20 }),
  class: fc.constantFrom("rate-limit", "credit"),
  reason: fc.constantFrom("r", "s"),
  level: fc.integer({ min: 0, max: 3 }),
  since: fc.integer({ min: 0, max: 3 }),
})
const stamped = fc.record({
  score: fc.integer({ min: 0, max: 3 }),
  updatedAt: fc.integer({ min: 0, max: 3 }),
})
const key = fc.constantFrom("org:o1|sonnet", "org:o2", "acct:acc_aaaaaaaaaaaaaaaa")
const partialState = fc.record({
  accounts: fc.dictionary(
    fc.constantFrom("acc_aaaaaaaaaaaaaaaa", "acc_bbbbbbbbbbbbbbbb"),
    fc.record({
      health: stamped,
      lastUsedAt: fc.integer({ min: 0, max: 1000 }),
      lastOutcome: fc.record({ class: fc.constantFrom("ok", "auth"), at: fc.integer({ min: 0, max: 2 }) }),
    }),
  ),
  cooldowns: fc.dictionary(key, cooldown),
  rateLimits: fc.dictionary(
    key,
    fc.record({ observedAt: fc.integer({ min: 0, max: 2 }), requests: fc.record({ remaining: fc.nat(5) }) }),
  ),
})

/** Remembers every cooldown: the merge rules alone. */
const REMEMBER_ALL = { now: 0, forgetAfterMs: Number.POSITIVE_INFINITY }

function merged(...parts: Omit<StateFile, "version">[]): Omit<StateFile, "version"> {
  const target = { accounts: {}, cooldowns: {}, rateLimits: {} }
  for (const part of parts) mergeStateInto(target, structuredClone(part), REMEMBER_ALL)
  return target
}

describe("mergeCooldown", () => {
  it("never shortens a cooldown and is commutative", () => {
    fc.assert(
      fc.property(cooldown, cooldown, (a, b) => {
        const m = mergeCooldown(a, b)!
        expect(m.until).toBe(Math.max(a.until, b.until))
        expect(mergeCooldown(b, a)).toEqual(m)
      }),
    )
  })

  it("breaks a tie on until by the higher level", () => {
    const base: Cooldown = { until: 5, class: "rate-limit", reason: "r", level: 1, since: 0 }
    expect(mergeCooldown(base, { ...base, level: 3 })!.level).toBe(3)
    expect(mergeCooldown({ ...base, level: 3 }, base)!.level).toBe(3)
  })

  it("keeps the later until with its class, reason and since, and the higher level of the two", () => {
    const ended: Cooldown = { until: 1_000, class: "credit", reason: "step 3", level: 3, since: 0 }
    const later: Cooldown = { until: 9_000, class: "rate-limit", reason: "429", level: 1, since: 8_000 }
    expect(mergeCooldown(ended, later)).toEqual({ ...later, level: 3 })
    expect(mergeCooldown(later, ended)).toEqual({ ...later, level: 3 })
    expect(mergeCooldown(undefined, later)).toBe(later)
    expect(mergeCooldown(later, undefined)).toBe(later)
  })

  it("is commutative, associative and idempotent, never shortens and never lowers the level", () => {
    const merge = (a: Cooldown, b: Cooldown) => mergeCooldown(a, b)!
    fc.assert(
      fc.property(cooldown, cooldown, cooldown, (a, b, c) => {
        const ab = merge(a, b)
        expect(merge(b, a)).toEqual(ab)
        expect(merge(merge(a, b), c)).toEqual(merge(a, merge(b, c)))
        expect(merge(a, a)).toEqual(a)
        expect(merge(ab, b)).toEqual(ab)
        expect(ab.until).toBe(Math.max(a.until, b.until))
        expect(ab.level).toBe(Math.max(a.level, b.level))
        // Everything but the level comes whole from one record whose until is the later one.
        const { level: _, ...rest } = ab
        const sources = [a, b].filter((x) => x.until === ab.until).map(({ level: _l, ...r }) => r)
        expect(sources).toContainEqual(rest)
      }),
      { numRuns: 2_000 },
    )
  })
})

describe("mergeStateInto", () => {
  it("gives the same result whatever order processes flush in", () => {
    fc.assert(
      fc.property(partialState, partialState, partialState, (a, b, c) => {
        const first = merged(a, b, c)
        expect(merged(c, b, a)).toEqual(first)
        expect(merged(b, a, c)).toEqual(first)
        expect(merged(c, a, b)).toEqual(first)
      }),
    )
  })

  it("is idempotent: merging the same batch twice changes nothing", () => {
    fc.assert(
      fc.property(partialState, partialState, (a, b) => {
        expect(merged(a, b, b)).toEqual(merged(a, b))
      }),
    )
  })

  it("leaves forgotten cooldowns out of every merge, in any order, as if they had been pruned first", () => {
    const memory = fc.record({
      now: fc.integer({ min: 0, max: 30 }),
      forgetAfterMs: fc.integer({ min: 0, max: 10 }),
    })
    fc.assert(
      fc.property(partialState, partialState, partialState, memory, (a, b, c, m) => {
        const fold = (parts: Omit<StateFile, "version">[]) => {
          const target = { accounts: {}, cooldowns: {}, rateLimits: {} }
          for (const part of parts) mergeStateInto(target, structuredClone(part), m)
          return target
        }
        const pruned = (part: Omit<StateFile, "version">) => {
          const copy = structuredClone(part)
          pruneState(copy, m, () => false)
          return copy
        }
        const first = fold([a, b, c])
        expect(fold([c, b, a])).toEqual(first)
        expect(fold([b, c, a])).toEqual(first)
        expect(first).toEqual(merged(pruned(a), pruned(b), pruned(c)))
        for (const record of Object.values<Cooldown>(first.cooldowns))
          expect(m.now - record.until).toBeLessThanOrEqual(m.forgetAfterMs)
      }),
      { numRuns: 500 },
    )
  })

  it("does not carry a forgotten record's level into a ladder that restarted", () => {
    const old: Cooldown = { until: 100, class: "credit", reason: "step 4", level: 4, since: 0 }
    const restarted: Cooldown = { until: 260, class: "credit", reason: "step 1", level: 1, since: 200 }
    const target = { accounts: {}, cooldowns: { k: old }, rateLimits: {} }
    mergeStateInto(
      target,
      { accounts: {}, cooldowns: { k: restarted }, rateLimits: {} },
      { now: 200, forgetAfterMs: 99 },
    )
    expect(target.cooldowns.k).toEqual(restarted)
    // Still remembered (ended exactly forgetAfterMs ago): the level is kept.
    mergeStateInto(
      target,
      { accounts: {}, cooldowns: { k: old }, rateLimits: {} },
      { now: 200, forgetAfterMs: 100 },
    )
    expect(target.cooldowns.k).toEqual({ ...restarted, level: 4 })
    // A forgotten incoming record changes nothing.
    mergeStateInto(
      target,
      { accounts: {}, cooldowns: { j: old }, rateLimits: {} },
      { now: 200, forgetAfterMs: 99 },
    )
    expect(Object.keys(target.cooldowns)).toEqual(["k"])
  })
})

describe("usage deltas", () => {
  it("sum: the total is the sum of every process's deltas, in any order", () => {
    const delta = fc.record({ requests: fc.nat(100), inputTokens: fc.nat(10_000), costMicroUsd: fc.nat(1e6) })
    fc.assert(
      fc.property(fc.array(delta, { maxLength: 20 }), (deltas) => {
        const total: UsageFile["days"] = {}
        for (const d of deltas) {
          const one: UsageFile["days"] = {}
          Object.assign(usageCell(one, "2026-01-01", "acc_aaaaaaaaaaaaaaaa", "m", "p"), d)
          addUsageInto(total, one)
        }
        const cell = total["2026-01-01"]?.acc_aaaaaaaaaaaaaaaa?.m?.p ?? emptyCounters()
        expect(cell.requests).toBe(deltas.reduce((s, d) => s + d.requests, 0))
        expect(cell.costMicroUsd).toBe(deltas.reduce((s, d) => s + d.costMicroUsd, 0))
      }),
    )
  })
})

describe("pruning", () => {
  it("drops forgotten cooldowns and everything scoped to a removed account", () => {
    const gone = "acc_gggggggggggggggg"
    const kept = "acc_kkkkkkkkkkkkkkkk"
    const c = (until: number): Cooldown => ({ until, class: "x", reason: "r", level: 0, since: 0 })
    const state = {
      accounts: { [gone]: { lastUsedAt: 1 }, [kept]: { lastUsedAt: 1 } },
      cooldowns: { [`acct:${gone}|sonnet`]: c(500), [`acct:${kept}`]: c(500), "org:o1": c(50) },
      rateLimits: { [`acct:${gone}|sonnet`]: { observedAt: 1 }, "org:o1|sonnet": { observedAt: 1 } },
    }
    pruneState(state, { now: 100, forgetAfterMs: 0 }, (id) => id === gone)
    expect(Object.keys(state.accounts)).toEqual([kept])
    expect(Object.keys(state.cooldowns)).toEqual([`acct:${kept}`])
    expect(Object.keys(state.rateLimits)).toEqual(["org:o1|sonnet"])
    expect(accountOfKey(`acct:${kept}|opus`)).toBe(kept)
    expect(accountOfKey("org:o1")).toBeUndefined()
  })

  it("keeps an ended cooldown until it ended more than forgetAfterMs ago", () => {
    const c = (until: number): Cooldown => ({
      until,
      class: "transport",
      reason: "r",
      level: 1,
      since: until,
    })
    const state = {
      accounts: {},
      cooldowns: { held: c(150), now: c(100), remembered: c(40), forgotten: c(39) },
      rateLimits: {},
    }
    pruneState(state, { now: 100, forgetAfterMs: 60 }, () => false)
    expect(Object.keys(state.cooldowns)).toEqual(["held", "now", "remembered"])
  })

  it("drops usage older than the retention window and of removed accounts", () => {
    const days: UsageFile["days"] = {}
    usageCell(days, "2025-01-01", "acc_kkkkkkkkkkkkkkkk", "m", "p").requests = 1
    usageCell(days, "2026-05-01", "acc_kkkkkkkkkkkkkkkk", "m", "p").requests = 1
    usageCell(days, "2026-05-01", "acc_gggggggggggggggg", "m", "p").requests = 1
    pruneUsage(days, "2026-01-01", (id) => id === "acc_gggggggggggggggg")
    expect(Object.keys(days)).toEqual(["2026-05-01"])
    expect(Object.keys(days["2026-05-01"]!)).toEqual(["acc_kkkkkkkkkkkkkkkk"])
  })
})

describe("maps keyed by outside names", () => {
  const NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]

  it("keeps usage cells under any name apart, in an ordinary object or one without a prototype", () => {
    for (const days of [{}, Object.create(null)] as UsageFile["days"][]) {
      for (const [i, name] of NAMES.entries()) {
        usageCell(days, "2026-01-01", name, name, name).inputTokens += i + 1
        usageCell(days, "2026-01-01", "acc_kkkkkkkkkkkkkkkk", name, "-").inputTokens += 10 * (i + 1)
      }
      expect(({} as Record<string, unknown>).inputTokens).toBeUndefined()
      const day = days["2026-01-01"]!
      expect(Object.keys(day).sort()).toEqual([...NAMES, "acc_kkkkkkkkkkkkkkkk"].sort())
      for (const [i, name] of NAMES.entries()) {
        expect(Object.hasOwn(day, name)).toBe(true)
        expect(day[name]![name]![name]!.inputTokens).toBe(i + 1)
        expect(day.acc_kkkkkkkkkkkkkkkk![name]!["-"]!.inputTokens).toBe(10 * (i + 1))
      }
      const total: UsageFile["days"] = {}
      addUsageInto(total, days)
      addUsageInto(total, days)
      expect(total["2026-01-01"]![PROTO]![PROTO]![PROTO]!.inputTokens).toBe(2)
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("inputTokens")
  })

  it("merges state under any name as own entries of an ordinary object", () => {
    const c: Cooldown = { until: 5, class: "x", reason: "r", level: 1, since: 0 }
    // As JSON.parse hands them over: `__proto__` is an own key.
    const part = {
      accounts: JSON.parse('{"__proto__":{"lastUsedAt":1},"constructor":{"lastUsedAt":2}}'),
      cooldowns: JSON.parse(`{"__proto__":${JSON.stringify(c)},"constructor":${JSON.stringify(c)}}`),
      rateLimits: JSON.parse('{"__proto__":{"observedAt":1}}'),
    }
    const target = { accounts: {}, cooldowns: {}, rateLimits: {} }
    mergeStateInto(target, part, REMEMBER_ALL)
    mergeStateInto(target, part, REMEMBER_ALL)
    for (const map of [target.accounts, target.cooldowns, target.rateLimits])
      expect(Object.getPrototypeOf(map)).toBe(Object.prototype)
    expect(Object.keys(target.accounts)).toEqual(["__proto__", "constructor"])
    expect(Object.keys(target.cooldowns)).toEqual(["__proto__", "constructor"])
    expect(Object.keys(target.rateLimits)).toEqual(["__proto__"])
    expect(JSON.parse(JSON.stringify(target))).toEqual(JSON.parse(JSON.stringify(part)))
    expect(({} as Record<string, unknown>).until).toBeUndefined()
  })
})

describe("utcDay", () => {
  it("formats UTC days, across day boundaries in any order", () => {
    expect(utcDay(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe("2026-01-31")
    expect(utcDay(Date.UTC(2026, 1, 1))).toBe("2026-02-01")
    expect(utcDay(Date.UTC(2026, 0, 31, 12))).toBe("2026-01-31")
    expect(utcDay(Date.UTC(1999, 11, 31, 23))).toBe("1999-12-31")
  })
})
