import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { looseJson, messagesBody, seededRandom, unusualJson } from "../test/arbitraries.ts"
import { readRequestFacts } from "./read-request-facts.ts"

// The oracle: what a full parse says.
function truth(text: string) {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { stream: false }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { stream: false }
  const record = parsed as Record<string, unknown>
  return {
    ...(typeof record.model === "string" ? { model: record.model } : {}),
    stream: record.stream === true,
    ...(typeof record.speed === "string" ? { speed: record.speed } : {}),
  }
}

const FACT_KEYS = ["model", "stream", "speed"]
// Values that put the three keys where they are not top-level: in messages, tool inputs, schemas.
const nested = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    looseJson,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...FACT_KEYS), fc.string({ maxLength: 4 })), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value
const tricky = fc.constantFrom("claude-sonnet-4-5", 'a"b\\\\c', "\u00e9\u{1F600}", "fast", "", "true")
const body = fc
  .tuple(
    messagesBody,
    fc.record(
      {
        model: fc.oneof(fc.string(), tricky, nested),
        stream: fc.oneof(fc.boolean(), fc.constantFrom("true", 1, null), nested),
        speed: fc.oneof(fc.constantFrom("fast", "standard"), fc.string(), tricky, nested),
        messages: fc.array(fc.record({ role: fc.string(), content: nested, model: fc.string() })),
        tools: nested,
        metadata: nested,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([messages, facts]) => ({ ...messages, ...facts }))

// The same object in any legal spelling: compact, pretty, or with random whitespace and \u escapes in keys and values.
const spell = (value: unknown, style: number, seed: number) =>
  style === 0
    ? JSON.stringify(value)
    : style === 1
      ? JSON.stringify(value, null, 2)
      : unusualJson(value, seededRandom(seed))

describe("readRequestFacts", () => {
  it("property: reads exactly what JSON.parse would, whatever the order, spelling and nesting", () => {
    fc.assert(
      fc.property(body, fc.nat(2), fc.integer(), fc.integer(), (object, style, seed, orderSeed) => {
        const keys = Object.keys(object)
        const random = seededRandom(orderSeed)
        for (let i = keys.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1))
          ;[keys[i], keys[j]] = [keys[j] as string, keys[i] as string]
        }
        const ordered: Record<string, unknown> = {}
        for (const key of keys) ordered[key] = (object as Record<string, unknown>)[key]
        const text = spell(ordered, style, seed)
        expect(readRequestFacts(text)).toEqual(truth(text))
      }),
      { numRuns: 500 },
    )
  })

  it("property: duplicate keys keep the last, as JSON.parse does", () => {
    fc.assert(
      fc.property(body, body, fc.nat(2), fc.integer(), (a, b, style, seed) => {
        const first = spell(a, style, seed).trim()
        const second = spell(b, style, seed + 1).trim()
        const text =
          first === "{}" ? second : second === "{}" ? first : `${first.slice(0, -1)},${second.slice(1)}`
        expect(readRequestFacts(text)).toEqual(truth(text))
      }),
      { numRuns: 300 },
    )
  })

  it("property: what is not a JSON object gives no facts", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          looseJson.map((v) => JSON.stringify(v) ?? ""),
        ),
        (text) => {
          expect(readRequestFacts(text)).toEqual(truth(text))
        },
      ),
      { numRuns: 500 },
    )
    for (const text of ["", "[]", '{"model":"x"', '{"model":"x"} trailing', "null", '{"model" "x"}', "{,}"])
      expect(readRequestFacts(text)).toEqual({ stream: false })
  })

  it("property: never throws on a prefix of a body or on noise after a brace", () => {
    fc.assert(
      fc.property(body, fc.nat(), fc.string(), (object, cut, noise) => {
        const text = JSON.stringify(object)
        const prefix = text.slice(0, cut % (text.length + 1))
        const facts = readRequestFacts(prefix)
        if (prefix.length < text.length) expect(facts).toEqual({ stream: false })
        expect(typeof readRequestFacts(`{${noise}`).stream).toBe("boolean")
      }),
      { numRuns: 300 },
    )
  })

  it("a nested model key is not the top-level one; duplicates keep the last", () => {
    expect(readRequestFacts('{"messages":[{"model":"inner"}],"model":"outer","stream":true}')).toEqual({
      model: "outer",
      stream: true,
    })
    expect(readRequestFacts('{"model":"a","model":"b","speed":"fast","stream":true,"stream":false}')).toEqual(
      {
        model: "b",
        stream: false,
        speed: "fast",
      },
    )
    expect(readRequestFacts('{"model":"a","model":7}')).toEqual({ stream: false })
  })

  it("decodes escaped keys and values", () => {
    expect(readRequestFacts('{"\\u006dodel":"claude-\\u006fpus","spe\\u0065d":"f\\u0061st"}')).toEqual({
      model: "claude-opus",
      stream: false,
      speed: "fast",
    })
  })

  it("reads bytes as UTF-8, the same as the text", () => {
    const text = '{"model":"claude-\u00e9","stream":true,"speed":"fast"}'
    const bytes = new TextEncoder().encode(text)
    const expected = { model: "claude-\u00e9", stream: true, speed: "fast" }
    expect(readRequestFacts(bytes)).toEqual(expected)
    expect(readRequestFacts(bytes.buffer)).toEqual(expected)
    expect(readRequestFacts(new DataView(bytes.buffer))).toEqual(expected)
    const framed = new Uint8Array([0xff, ...bytes, 0xff])
    expect(readRequestFacts(framed.subarray(1, -1))).toEqual(expected)
    expect(readRequestFacts(framed)).toEqual({ stream: false }) // not UTF-8
  })

  it("gives no facts for a body it cannot read without consuming it", () => {
    const text = '{"model":"m","stream":true}'
    for (const body of [
      undefined,
      null,
      new URLSearchParams({ model: "m" }),
      new Blob([text]),
      new ReadableStream(),
    ])
      expect(readRequestFacts(body)).toEqual({ stream: false })
  })
})
