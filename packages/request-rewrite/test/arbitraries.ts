// fast-check arbitraries shared by the property tests: Messages API request bodies in the shapes hosts send,
// with tool names that are valid or not, and serializers that write the same value in unusual but legal JSON.
import fc from "fast-check"

export const validToolName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/)
export const invalidToolName = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", "a.b", "github.create_issue", "srv:tool", "x y", "é", "\\", '"', "x".repeat(65)),
)
export const toolName = fc.oneof(validToolName, validToolName, invalidToolName)

// Free-form JSON, including objects whose keys are the ones the scanner looks for.
const trickyKey = fc.constantFrom(
  "name",
  "tool_name",
  "tools",
  "messages",
  "content",
  "tool_references",
  "type",
)
export const looseJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(trickyKey, fc.string({ maxLength: 5 })), tie("value"), { maxKeys: 4 }),
  ),
})).value

const text = fc.string({ maxLength: 40 })
const toolReference = fc.record({ type: fc.constant("tool_reference"), tool_name: toolName })
const block = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({ type: fc.constant("tool_use"), id: text, name: toolName, input: looseJson }),
  fc.record({
    type: fc.constant("tool_result"),
    tool_use_id: text,
    content: fc.oneof(
      text,
      fc.array(fc.oneof(fc.record({ type: fc.constant("text"), text }), toolReference)),
    ),
  }),
  fc.record({
    type: fc.constant("tool_search_tool_result"),
    tool_use_id: text,
    content: fc.record({
      type: fc.constant("tool_search_tool_search_result"),
      tool_references: fc.array(toolReference, { maxLength: 3 }),
    }),
  }),
)

/** A Messages request body where tool names appear only where the API reads them. */
export const messagesBody: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    model: fc.constant("claude-sonnet-4-5"),
    max_tokens: fc.nat(),
    system: fc.oneof(text, fc.array(fc.record({ type: fc.constant("text"), text }))),
    tools: fc.array(
      fc.record(
        {
          name: toolName,
          description: text,
          input_schema: looseJson,
          eager_input_streaming: fc.boolean(),
          type: fc.constant("custom"),
        },
        { requiredKeys: ["name"] },
      ),
      { maxLength: 6 },
    ),
    tool_choice: fc.oneof(
      fc.record({ type: fc.constant("auto") }),
      fc.record({ type: fc.constant("tool"), name: toolName }),
    ),
    messages: fc.array(
      fc.record({
        role: fc.constantFrom("user", "assistant"),
        content: fc.oneof(text, fc.array(block, { maxLength: 4 })),
      }),
      { maxLength: 4 },
    ),
    stream: fc.boolean(),
  },
  { requiredKeys: ["model"] },
)

/** Any body a host might send: Messages-shaped, free-form with the scanner's keys anywhere, or a scalar. */
export const anyBody: fc.Arbitrary<unknown> = fc.oneof(
  messagesBody,
  looseJson,
  fc.record({ tools: looseJson, tool_choice: looseJson, messages: looseJson }, { requiredKeys: [] }),
)

/** Writes `value` as legal JSON with random whitespace and random `\uXXXX` escapes (also in keys). */
export function unusualJson(value: unknown, random: () => number): string {
  const ws = () => [" ", "\n", "\t", "\r", ""][Math.floor(random() * 5)] as string
  const str = (s: string) => {
    let out = '"'
    for (const ch of s) {
      const plain = JSON.stringify(ch).slice(1, -1)
      if (random() < 0.2)
        out += [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
      else out += plain
    }
    return `${out}"`
  }
  const write = (v: unknown): string => {
    if (v === null || typeof v !== "object") return typeof v === "string" ? str(v) : JSON.stringify(v)
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => write(x)).join(`${ws()},${ws()}`)}${ws()}]`
    const members = Object.entries(v).map(([k, x]) => `${str(k)}${ws()}:${ws()}${write(x)}`)
    return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`
  }
  return ws() + write(value) + ws()
}

/** A small deterministic PRNG for {@link unusualJson}. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}
