import fc from "fast-check"
import * as v from "valibot"
import { describe, expect, it } from "vitest"
import { copyData, dictionary, dictionarySchema, getOwn, ownOrCreate, setOwn } from "./_dictionary.ts"
import { describeIssues } from "./_versioned-file.ts"

const NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty"]
const name = fc.oneof(fc.constantFrom(...NAMES), fc.string())

describe("dictionaries", () => {
  it("take every name as a key, with nothing inherited", () => {
    const map = dictionary<{ n: number }>()
    for (const [i, key] of NAMES.entries()) expect(ownOrCreate(map, key, () => ({ n: i }))).toEqual({ n: i })
    expect(Object.keys(map)).toEqual(NAMES)
    for (const [i, key] of NAMES.entries()) expect(map[key]).toEqual({ n: i })
    expect(getOwn(map, "missing")).toBeUndefined()
    expect(({} as Record<string, unknown>).valueOf).toBe(Object.prototype.valueOf)
  })

  it("are read and written as own entries even when the map is an ordinary object", () => {
    const plain: Record<string, { n: number }> = {}
    for (const key of NAMES) expect(getOwn(plain, key), key).toBeUndefined()
    setOwn(plain, "__proto__", { n: 1 })
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
    expect(Object.keys(plain)).toEqual(["__proto__"])
    expect(getOwn(plain, "__proto__")).toEqual({ n: 1 })
    expect(ownOrCreate(plain, "__proto__", () => ({ n: 2 }))).toEqual({ n: 1 })
    expect(ownOrCreate(plain, "constructor", () => ({ n: 3 }))).toEqual({ n: 3 })
    expect(Object.keys(plain)).toEqual(["__proto__", "constructor"])
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("n")
  })

  it("are copied whole, keeping their missing prototype and every key", () => {
    fc.assert(
      fc.property(fc.dictionary(name, fc.dictionary(name, fc.oneof(fc.nat(), fc.array(fc.nat())))), (raw) => {
        const parsed = JSON.parse(JSON.stringify(raw))
        const built = v.parse(dictionarySchema(dictionarySchema(v.unknown())), parsed)
        const copy = copyData(built)
        expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed))
        expect(Object.getPrototypeOf(copy)).toBeNull()
        for (const key of Object.keys(copy)) {
          expect(Object.getPrototypeOf(copy[key])).toBeNull()
          expect(copy[key]).not.toBe(built[key])
        }
        const plain = copyData(parsed)
        expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
        expect(JSON.stringify(plain)).toBe(JSON.stringify(parsed))
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("0")
      }),
    )
  })
})

describe("dictionarySchema", () => {
  const schema = dictionarySchema(v.pipe(v.number(), v.integer()))

  it("keeps every key valibot's record leaves out, in a map without a prototype", () => {
    const input = JSON.parse('{"__proto__":1,"constructor":2,"prototype":3,"a":4}')
    expect(Object.keys(v.parse(v.record(v.string(), v.number()), input))).toEqual(["a"])
    const output = v.parse(schema, input)
    expect(Object.getPrototypeOf(output)).toBeNull()
    expect(Object.keys(output)).toEqual(["__proto__", "constructor", "prototype", "a"])
    expect(JSON.stringify(output)).toBe(JSON.stringify(input))
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("a")
  })

  it("accepts what valibot's record accepts, key for key", () => {
    const value = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null))
    fc.assert(
      fc.property(fc.dictionary(name, value), (raw) => {
        const input = JSON.parse(JSON.stringify(raw))
        const ours = v.safeParse(schema, input)
        const safe = Object.fromEntries(Object.entries(input).filter(([k]) => !NAMES.slice(0, 3).includes(k)))
        const theirs = v.safeParse(v.record(v.string(), v.pipe(v.number(), v.integer())), safe)
        const dangerousOk = NAMES.slice(0, 3).every(
          (k) => !Object.hasOwn(input, k) || Number.isInteger(input[k]),
        )
        expect(ours.success).toBe(theirs.success && dangerousOk)
        if (ours.success) expect(JSON.stringify(ours.output)).toBe(JSON.stringify(input))
      }),
    )
  })

  it("says where an entry is wrong, as valibot's record would", () => {
    const file = v.object({ pricing: dictionarySchema(v.object({ inputPerMTok: v.number() })) })
    const result = v.safeParse(file, {
      pricing: { "claude-*": { inputPerMTok: "3" }, ok: { inputPerMTok: 1 } },
    })
    expect(result.success).toBe(false)
    expect(describeIssues(result.issues!)).toBe("pricing.claude-*.inputPerMTok: expected number")
    const keyed = dictionarySchema(v.number(), v.pipe(v.string(), v.regex(/^\d+$/)))
    expect(describeIssues(v.safeParse(keyed, { x: 1 }).issues!)).toBe("x: expected /^\\d+$/")
    expect(describeIssues(v.safeParse(schema, []).issues!)).toBe("(root): expected Object")
    expect(describeIssues(v.safeParse(schema, null).issues!)).toBe("(root): expected Object")
  })
})
