import fc from "fast-check"
import * as v from "valibot"
import { describe, expect, it } from "vitest"
import { dictionarySchema } from "./_dictionary.ts"
import { isUsageCounters, readUsageDay, usageDaySchema } from "./_usage-file.ts"

/** Read through a variable: written out, `x.__proto__` is the prototype accessor to a linter. */
const PROTO = "__proto__"

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

/**
 * A day as the generic parts spell it: maps of maps of maps of valibot's strict counters. `readUsageDay` is written
 * out for speed and must agree with it.
 */
const referenceDay = dictionarySchema(dictionarySchema(dictionarySchema(referenceCounters)))

/** Every map level of a day read, without a prototype. */
function mapsOf(day: Record<string, Record<string, Record<string, unknown>>>): object[] {
  const byAccount = Object.values(day)
  const byModel = byAccount.flatMap((m) => Object.values(m)) as object[]
  return [day, ...byAccount, ...byModel]
}

describe("reading a day", () => {
  it("accepts exactly the days the reference accepts, and returns what it returns", () => {
    fc.assert(
      fc.property(day, (candidate) => {
        const read = readUsageDay(candidate)
        const reference = v.safeParse(referenceDay, candidate)
        expect(read.ok).toBe(reference.success)
        if (!read.ok) return
        expect(read.day).toEqual(reference.output)
        expect(read.day).toEqual(candidate)
        for (const map of mapsOf(read.day)) expect(Object.getPrototypeOf(map)).toBeNull()
        const schema = v.safeParse(usageDaySchema(), candidate)
        expect(schema.success).toBe(true)
        expect(schema.output).toEqual(read.day)
      }),
      { numRuns: 2_000 },
    )
  })

  it("accepts every day of valid counters, whatever the keys", () => {
    const name = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom("__proto__", "constructor", "prototype"),
    )
    const validDay = fc.dictionary(name, fc.dictionary(name, fc.dictionary(name, fc.constant(valid()))))
    fc.assert(
      fc.property(validDay, (candidate) => {
        const parsed = JSON.parse(JSON.stringify(candidate))
        const read = readUsageDay(parsed)
        expect(read.ok).toBe(true)
        if (read.ok) expect(JSON.stringify(read.day)).toBe(JSON.stringify(parsed))
      }),
    )
  })

  it("keeps __proto__, constructor and prototype as keys, and pollutes nothing", () => {
    const text = `{"acc_aaaaaaaaaaaaaaaa":{"__proto__":{"__proto__":${JSON.stringify(valid())}}},"constructor":{"prototype":{"-":${JSON.stringify(valid())}}}}`
    const read = readUsageDay(JSON.parse(text))
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(Object.keys(read.day)).toEqual(["acc_aaaaaaaaaaaaaaaa", "constructor"])
    expect(Object.keys(read.day.acc_aaaaaaaaaaaaaaaa!)).toEqual(["__proto__"])
    expect(read.day.acc_aaaaaaaaaaaaaaaa![PROTO]![PROTO]).toEqual(valid())
    expect(JSON.stringify(read.day)).toBe(text)
    expect(({} as Record<string, unknown>).requests).toBeUndefined()
  })

  it("names the first place where a day is wrong", () => {
    const good = { acc_aaaaaaaaaaaaaaaa: { "claude-test": { "/home/me/app": valid(), "-": valid() } } }
    expect(readUsageDay(good)).toMatchObject({ ok: true, day: good })
    expect(readUsageDay({})).toMatchObject({ ok: true, day: {} })
    expect(readUsageDay({ acc_aaaaaaaaaaaaaaaa: [] })).toMatchObject({ ok: false, expected: "Object" })
    const bad = readUsageDay({ acc_aaaaaaaaaaaaaaaa: { m: { p: { ...valid(), requests: -1 } } } })
    expect(bad).toMatchObject({ ok: false, expected: "nine usage counters, each a whole number ≥ 0" })
    if (!bad.ok) expect(bad.path.map((item) => item.key)).toEqual(["acc_aaaaaaaaaaaaaaaa", "m", "p"])
    const issues = v.safeParse(usageDaySchema(), { a: { m: { p: { ...valid(), extra: 1 } } } }).issues
    expect(issues?.map((issue) => v.getDotPath(issue))).toEqual(["a.m.p"])
  })
})
