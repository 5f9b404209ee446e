import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { looseJson, seededRandom, unusualJson } from "../test/arbitraries.ts"
import {
  isEscaped,
  readString,
  STOP,
  skipValue,
  skipWhitespace,
  stringEnd,
  walkArray,
  walkObject,
} from "./_json-skip.ts"

// A value in any legal spelling: compact, pretty, or with random whitespace and \u escapes.
const spelled = fc
  .tuple(looseJson, fc.integer(), fc.nat(2))
  .map(([value, seed, style]) =>
    style === 0
      ? JSON.stringify(value)
      : style === 1
        ? JSON.stringify(value, null, 2)
        : unusualJson(value, seededRandom(seed)),
  )
  .filter((text) => text !== undefined)

/** The members a walk sees: each key, and the text of its value parsed on its own. */
function members(text: string): [string, unknown][] | typeof STOP {
  const seen: [string, unknown][] = []
  const end = walkObject(text, skipWhitespace(text, 0), (t, key, i) => {
    const valueEnd = skipValue(t, i)
    if (valueEnd !== STOP) seen.push([key, JSON.parse(t.slice(i, valueEnd))])
    return valueEnd
  })
  return end === STOP || skipWhitespace(text, end) !== text.length ? STOP : seen
}

describe("skipValue", () => {
  it("property: ends exactly where the value ends, alone and inside an array", () => {
    fc.assert(
      fc.property(spelled, (text) => {
        const start = skipWhitespace(text, 0)
        const end = skipValue(text, start)
        expect(end).toBeGreaterThan(start)
        expect(JSON.parse(text.slice(start, end))).toEqual(JSON.parse(text))
        expect(skipWhitespace(text, end)).toBe(text.length)
        const inArray = `[${text},1]`
        expect(inArray.slice(skipValue(inArray, skipWhitespace(inArray, 1)))).toMatch(/^\s*,1\]$/)
      }),
      { numRuns: 500 },
    )
  })

  it.each([
    ['"a\\"b"', 6],
    ['"a\\\\"b', 5],
    ['{"a":"}"}', 9],
    ["[1,[2,{}]],", 10],
    ["true}", 4],
    ["-1.5e3 ", 6],
  ])("%s ends at %i", (text, end) => {
    expect(skipValue(text, 0)).toBe(end)
  })

  it.each(['"abc', '{"a":1', "[[]", '["a\\"]', "", ",", "}"])("stops on %j", (text) => {
    expect(skipValue(text, 0)).toBe(STOP)
  })
})

describe("walkObject and walkArray", () => {
  it("property: a walk sees every member in order, as JSON.parse reads it", () => {
    const object = fc.dictionary(
      fc.oneof(fc.constantFrom("model", "stream", "speed", "name", 'a"b', "\\"), fc.string()),
      looseJson,
    )
    fc.assert(
      fc.property(object, fc.integer(), (value, seed) => {
        const text = unusualJson(value, seededRandom(seed))
        expect(members(text)).toEqual(Object.entries(JSON.parse(text)))
      }),
      { numRuns: 500 },
    )
  })

  it("property: a walk sees every element in order", () => {
    fc.assert(
      fc.property(fc.array(looseJson), fc.integer(), (value, seed) => {
        const text = unusualJson(value, seededRandom(seed))
        const seen: unknown[] = []
        const end = walkArray(text, skipWhitespace(text, 0), (t, i) => {
          const valueEnd = skipValue(t, i)
          seen.push(JSON.parse(t.slice(i, valueEnd)))
          return valueEnd
        })
        expect(skipWhitespace(text, end)).toBe(text.length)
        expect(seen).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })

  it("sees duplicate keys, each in turn, with escaped keys decoded", () => {
    expect(members('{"a":1,"\\u0061":2,"a\\"":3}')).toEqual([
      ["a", 1],
      ["a", 2],
      ['a"', 3],
    ])
  })

  it.each(['{"a":1', '{"a" 1}', '{"a":1,}', "{a:1}", '{"a":1 "b":2}', '{"\\x":1}'])("stops on %j", (text) => {
    expect(members(text)).toBe(STOP)
  })

  it("stops where the visitor stops, and visits nothing after", () => {
    const keys: string[] = []
    const end = walkObject('{"a":1,"b":2}', 0, (_, key) => {
      keys.push(key)
      return STOP
    })
    expect(end).toBe(STOP)
    expect(keys).toEqual(["a"])
    expect(walkArray("[1 2]", 0, (t, i) => skipValue(t, i))).toBe(STOP)
  })

  it("property: never throws or runs past the text on any prefix", () => {
    fc.assert(
      fc.property(spelled, fc.nat(), (text, cut) => {
        const prefix = text.slice(0, cut % (text.length + 1))
        const end = skipValue(prefix, skipWhitespace(prefix, 0))
        expect(end === STOP || (end > 0 && end <= prefix.length)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})

describe("strings", () => {
  it("a quote after an odd run of backslashes is escaped, after an even run it closes", () => {
    expect(isEscaped('"a\\"', 3)).toBe(true)
    expect(isEscaped('"a\\\\"', 4)).toBe(false)
    expect(isEscaped('"a\\\\\\"', 5)).toBe(true)
    expect(stringEnd('"a\\\\"b"', 0)).toBe(4)
    expect(stringEnd('"a\\"b"', 0)).toBe(5)
  })

  it("reads a string as JSON.parse does, decoding escapes only when there are some", () => {
    const text = '"plain" "\\u00e9\\n\\"" "\\x"'
    expect(readString(text, 0, 6)).toBe("plain")
    expect(readString(text, 8, stringEnd(text, 8))).toBe('é\n"')
    const bad = text.lastIndexOf('"\\x"')
    expect(readString(text, bad, stringEnd(text, bad))).toBeUndefined()
  })
})
