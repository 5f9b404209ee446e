import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  backoffDelay,
  type Cooldown,
  DEFAULT_COOLDOWN_POLICY,
  isCooling,
  mergeCooldown,
  nextMonthStartUtc,
} from "./cooldown.ts"

const cooldownArb = fc.record({
  until: fc.integer({ min: 0, max: 2e12 }),
  level: fc.integer({ min: 0, max: 50 }),
  class: fc.constantFrom("credit", "rate-limit", "spend-cap") as fc.Arbitrary<Cooldown["class"]>,
  reason: fc.string(),
  since: fc.integer({ min: 0, max: 2e12 }),
})

describe("mergeCooldown", () => {
  it("keeps the later until with its reason, and the higher level", () => {
    const long: Cooldown = { until: 100, level: 1, class: "spend-cap", reason: "cap", since: 1 }
    const short: Cooldown = { until: 50, level: 3, class: "rate-limit", reason: "429", since: 2 }
    expect(mergeCooldown(long, short)).toEqual({ ...long, level: 3 })
    expect(mergeCooldown(short, long)).toEqual({ ...long, level: 3 })
    expect(mergeCooldown(undefined, short)).toBe(short)
    expect(mergeCooldown(short, undefined)).toBe(short)
  })

  it("property: never shortens, never lowers the level, order does not matter for until and level", () => {
    fc.assert(
      fc.property(cooldownArb, cooldownArb, (a, b) => {
        const ab = mergeCooldown(a, b)
        const ba = mergeCooldown(b, a)
        expect(ab.until).toBe(Math.max(a.until, b.until))
        expect(ab.level).toBe(Math.max(a.level, b.level))
        expect(ba.until).toBe(ab.until)
        expect(ba.level).toBe(ab.level)
        expect(mergeCooldown(ab, ab)).toEqual(ab)
      }),
    )
  })

  it("property: folding any sequence keeps the latest until seen", () => {
    fc.assert(
      fc.property(fc.array(cooldownArb, { minLength: 1, maxLength: 20 }), (list) => {
        let merged: Cooldown | undefined
        for (const c of list) merged = mergeCooldown(merged, c)
        expect(merged!.until).toBe(Math.max(...list.map((c) => c.until)))
      }),
    )
  })

  it("treats a NaN until as the earliest", () => {
    const bad = { until: Number.NaN, level: 1 }
    const good = { until: 10, level: 1 }
    expect(mergeCooldown(bad, good).until).toBe(10)
    expect(mergeCooldown(good, bad).until).toBe(10)
  })
})

describe("isCooling", () => {
  it("holds strictly before until", () => {
    expect(isCooling({ until: 10 }, 9)).toBe(true)
    expect(isCooling({ until: 10 }, 10)).toBe(false)
    expect(isCooling(undefined, 0)).toBe(false)
  })
})

describe("backoffDelay", () => {
  const ladder = DEFAULT_COOLDOWN_POLICY.credit

  it("walks the ladder and repeats its last step", () => {
    expect([1, 2, 3, 4, 5, 99].map((level) => backoffDelay(ladder, level, () => 0))).toEqual([
      60_000, 300_000, 1_800_000, 7_200_000, 7_200_000, 7_200_000,
    ])
    expect(backoffDelay(ladder, 0, () => 0)).toBe(60_000)
    expect(backoffDelay([], 3, () => 0)).toBe(0)
  })

  it("property: jitter only shortens, by at most its share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (level, roll) => {
          const nominal = backoffDelay(ladder, level, () => 0)
          const delay = backoffDelay(ladder, level, () => roll)
          expect(delay).toBeLessThanOrEqual(nominal)
          expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * 0.75))
        },
      ),
    )
  })

  it("ignores a random outside [0, 1)", () => {
    expect(backoffDelay(ladder, 1, () => 7)).toBe(60_000)
  })
})

describe("nextMonthStartUtc", () => {
  it.each([
    ["2026-10-08T12:00:00Z", "2026-11-01T00:00:00.000Z"],
    ["2026-12-31T23:59:59Z", "2027-01-01T00:00:00.000Z"],
    ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00.000Z"],
    ["2028-02-29T10:00:00Z", "2028-03-01T00:00:00.000Z"],
  ])("%s → %s", (now, expected) => {
    expect(new Date(nextMonthStartUtc(Date.parse(now))).toISOString()).toBe(expected)
  })
})
