import fc from "fast-check"
import * as v from "valibot"
import { describe, expect, it } from "vitest"
import { isUsageCounters, isUsageDay, usageDaySchema } from "./_usage-file.ts"

const count = v.pipe(v.number(), v.integer(), v.minValue(0))
/** The counters schema as valibot spells it: the reference `isUsageCounters` must agree with. */
const referenceCounters = v.strictObject({
  requests: count,
  inputTokens: count,
  outputTokens: count,
  cacheWrite5mTokens: count,
  cacheWrite1hTokens: count,
  cacheReadTokens: count,
  webSearchRequests: count,
  costMicroUsd: count,
  unpricedRequests: count,
})

const FIELDS = Object.keys(referenceCounters.entries)
const valid = () => Object.fromEntries(FIELDS.map((f) => [f, 1]))

const oddNumber = fc.constantFrom(-1, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e21)
const anyValue = fc.oneof(fc.nat(), oddNumber, fc.string(), fc.constant(null), fc.boolean(), fc.constant([]))
/** Counters, mostly valid, with fields dropped, added or spoiled. */
const counters = fc
  .record({
    base: fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.oneof(fc.nat(), fc.nat(), anyValue)]))),
    drop: fc.subarray(FIELDS, { maxLength: 2 }),
    extra: fc.dictionary(fc.constantFrom("extra", "__proto__", "constructor", "requests"), anyValue, {
      maxKeys: 1,
    }),
  })
  .map(({ base, drop, extra }) => {
    const out: Record<string, unknown> = JSON.parse(JSON.stringify(base))
    for (const f of drop) delete out[f]
    // Through JSON, as in a file (a `__proto__` key stays an own key, as JSON.parse makes it).
    return JSON.parse(JSON.stringify({ ...out, ...extra }))
  })

const key = fc.oneof(
  fc.constantFrom("acc_aaaaaaaaaaaaaaaa", "claude-test", "-", "/home/me/app"),
  fc.constantFrom("__proto__", "constructor", "prototype"),
)
const level = <T>(inner: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.dictionary(key, inner, { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 2 }) },
    { weight: 1, arbitrary: anyValue },
  )
/** One day as JSON.parse would hand it over, mostly valid. */
const day = level(level(level(counters))).map((d) => JSON.parse(JSON.stringify(d)) as unknown)

describe("usage counters", () => {
  it("are accepted exactly when valibot's strict object of nine whole numbers accepts them", () => {
    fc.assert(
      fc.property(fc.oneof(counters, anyValue), (value) => {
        expect(isUsageCounters(value)).toBe(v.is(referenceCounters, value))
      }),
      { numRuns: 2_000 },
    )
  })

  it("refuses negative, fractional, non-finite, missing and extra counters", () => {
    expect(isUsageCounters(valid())).toBe(true)
    for (const spoil of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, "1", null])
      expect(isUsageCounters({ ...valid(), costMicroUsd: spoil })).toBe(false)
    const { requests: _, ...missing } = valid()
    expect(isUsageCounters(missing)).toBe(false)
    expect(isUsageCounters({ ...valid(), extra: 1 })).toBe(false)
    expect(isUsageCounters(JSON.parse(`{"__proto__":1,${JSON.stringify(valid()).slice(1)}`))).toBe(false)
    expect(isUsageCounters(Object.values(valid()))).toBe(false)
  })
})

describe("the quick check of a day", () => {
  it("accepts a day only when the schema accepts it and returns it unchanged", () => {
    fc.assert(
      fc.property(day, (candidate) => {
        if (!isUsageDay(candidate)) return
        const result = v.safeParse(usageDaySchema(), candidate)
        expect(result.success).toBe(true)
        expect(result.output).toEqual(candidate)
      }),
      { numRuns: 2_000 },
    )
  })

  it("accepts every day of valid counters under ordinary keys", () => {
    const name = fc
      .string({ minLength: 1 })
      .filter((k) => !["__proto__", "constructor", "prototype"].includes(k))
    const validDay = fc.dictionary(name, fc.dictionary(name, fc.dictionary(name, fc.constant(valid()))))
    fc.assert(fc.property(validDay, (candidate) => isUsageDay(JSON.parse(JSON.stringify(candidate)))))
  })

  it("leaves keys the schema drops, and anything doubtful, to the schema", () => {
    const good = { acc_aaaaaaaaaaaaaaaa: { "claude-test": { "/home/me/app": valid(), "-": valid() } } }
    expect(isUsageDay(good)).toBe(true)
    expect(isUsageDay({})).toBe(true)
    const dropped = JSON.parse(
      `{"acc_aaaaaaaaaaaaaaaa":{"claude-test":{"__proto__":${JSON.stringify(valid())}}}}`,
    )
    expect(v.is(usageDaySchema(), dropped)).toBe(true)
    expect(isUsageDay(dropped)).toBe(false)
    expect(isUsageDay({ acc_aaaaaaaaaaaaaaaa: [] })).toBe(false)
    expect(isUsageDay({ acc_aaaaaaaaaaaaaaaa: { m: { p: { ...valid(), requests: -1 } } } })).toBe(false)
  })
})
