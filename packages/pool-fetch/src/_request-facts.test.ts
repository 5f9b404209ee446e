import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readRequestFacts } from "./_request-facts.ts"

function truth(text: string) {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { stream: false, fast: false }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { stream: false, fast: false }
  const record = parsed as Record<string, unknown>
  return {
    ...(typeof record.model === "string" ? { model: record.model } : {}),
    stream: record.stream === true,
    fast: record.speed === "fast",
  }
}

const value = fc.jsonValue({ maxDepth: 3 })
const body = fc.record(
  {
    model: fc.oneof(fc.string(), fc.constantFrom("claude-sonnet-4-5", 'a"b\\\\c', "\u00e9\u{1F600}"), value),
    stream: fc.oneof(fc.boolean(), value),
    speed: fc.oneof(fc.constant("fast"), fc.string(), value),
    messages: fc.array(fc.record({ role: fc.string(), content: value, model: fc.string() })),
    tools: value,
  },
  { requiredKeys: [] },
)

describe("readRequestFacts", () => {
  it("reads exactly what JSON.parse would, whatever the order, spacing and nesting", () => {
    fc.assert(
      fc.property(
        body,
        fc.boolean(),
        fc.shuffledSubarray(["model", "stream", "speed", "messages", "tools"]),
        (object, pretty, order) => {
          const ordered: Record<string, unknown> = {}
          for (const key of order) if (key in object) ordered[key] = (object as Record<string, unknown>)[key]
          const text = JSON.stringify(ordered, null, pretty ? 2 : undefined)
          expect(readRequestFacts(text)).toEqual(truth(text))
        },
      ),
      { numRuns: 300 },
    )
  })

  it("gives no facts for what is not a JSON object", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const facts = readRequestFacts(text)
        expect(facts).toEqual(truth(text))
      }),
      { numRuns: 300 },
    )
    for (const text of ["", "[]", '{"model":"x"', '{"model":"x"} trailing', "null", '{"model" "x"}'])
      expect(readRequestFacts(text)).toEqual({ stream: false, fast: false })
  })

  it("a nested model key is not the top-level one; duplicates keep the last", () => {
    expect(readRequestFacts('{"messages":[{"model":"inner"}],"model":"outer","stream":true}')).toEqual({
      model: "outer",
      stream: true,
      fast: false,
    })
    expect(readRequestFacts('{"model":"a","model":"b","speed":"fast"}')).toEqual({
      model: "b",
      stream: false,
      fast: true,
    })
  })
})
