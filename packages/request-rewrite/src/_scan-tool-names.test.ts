import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { anyBody, messagesBody, seededRandom, unusualJson } from "../test/arbitraries.ts"
import {
  mayHaveInvalidToolName,
  namedKeysAreValid,
  structureMayHaveInvalidToolName,
} from "./_scan-tool-names.ts"
import { requestToolNameSites } from "./_tool-name-sites.ts"
import { isValidToolName } from "./tool-name.ts"

// The oracle: a full parse, then the exact sites the rewrite would rename.
function parseFinds(text: string): boolean {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return false
  }
  return requestToolNameSites(parsed).some((site) => !isValidToolName(site.holder[site.key] as string))
}

describe("mayHaveInvalidToolName", () => {
  it.each([
    ["no tools", '{"model":"m","messages":[{"role":"user","content":"hi"}]}', false],
    ["valid tools", '{"tools":[{"name":"bash"},{"name":"read"}],"tool_choice":{"type":"auto"}}', false],
    ["an invalid tool", '{"tools":[{"name":"bash"},{"name":"a.b"}]}', true],
    ["an invalid tool_choice", '{"tool_choice":{"type":"tool","name":"a.b"}}', true],
    ["an invalid tool_use", '{"messages":[{"content":[{"type":"tool_use","name":"a b","input":{}}]}]}', true],
    [
      "a tool_reference in a tool_result",
      '{"messages":[{"content":[{"content":[{"tool_name":"a.b"}]}]}]}',
      true,
    ],
    [
      "a tool_reference in a tool search result",
      '{"messages":[{"content":[{"content":{"tool_references":[{"tool_name":"a.b"}]}}]}]}',
      true,
    ],
    ["a name too long", `{"tools":[{"name":"${"x".repeat(65)}"}]}`, true],
    ["an empty name", '{"tools":[{"name":""}]}', true],
    ["an escaped key for tools", '{"tool\\u0073":[{"name":"a.b"}]}', true],
    ["an escaped valid name", '{"tools":[{"name":"\\u0061b"}]}', false],
    ["an escaped invalid name", '{"tools":[{"name":"a\\u002eb"}]}', true],
    ["a name key inside a schema", '{"tools":[{"name":"x","input_schema":{"name":"not a tool"}}]}', false],
    ["a name inside tool input", '{"messages":[{"content":[{"name":"ok","input":{"name":"a b"}}]}]}', false],
    ["a name in text", '{"messages":[{"content":"{\\"tools\\":[{\\"name\\":\\"a.b\\"}]}"}]}', false],
    ["a non-string name", '{"tools":[{"name":42},{"name":{"x":"a b"}}]}', false],
    ["whitespace everywhere", ' \n{ "tools" : [ { "name" : "a.b" } ] } ', true],
    ["a top-level array", '[{"tools":[{"name":"a.b"}]}]', false],
    ["not JSON", "hello", false],
  ])("%s", (_, text, expected) => {
    expect(mayHaveInvalidToolName(text)).toBe(expected)
    expect(structureMayHaveInvalidToolName(text)).toBe(expected)
  })

  it("does not need to understand broken JSON, which is sent as it came either way", () => {
    const truncated = '{"tools":[{"name":"bash"'
    expect(mayHaveInvalidToolName(truncated)).toBe(false) // every name it holds is valid
    expect(structureMayHaveInvalidToolName(truncated)).toBe(true) // the walk gives up and asks for a parse
  })

  it.each([
    ["only valid names", '{"tools":[{"name":"bash"}],"x":{"tool_name":"read"}}', true],
    ["no names at all", '{"model":"m"}', true],
    ["a free-text name anywhere", '{"messages":[{"content":[{"input":{"name":"a b"}}]}]}', false],
    ["a free-text tool_name anywhere", '{"x":{"tool_name":"a b"}}', false],
    ["another key ending in _name", '{"x":{"file_name":"a b","user_name":"c d"}}', true],
    ["a name in a list of required keys", '{"required":["name", "path"]}', true],
    ["a name key quoted inside text", '{"text":"{\\"name\\": \\"a b\\"}"}', true],
    ["a key that only ends in an escaped quote and name", '{"x\\"name": "a b"}', true],
    ["a tool_name key inside text", '{"text":"\\"tool_name\\":\\"a b\\""}', true],
    ["a name key after an escaped backslash", '{"a":"x\\\\","name":"a b"}', false],
    ["a non-string name", '{"name":{"first":"a b"}}', true],
    ["a key spelled with escapes", '{"tools":[{"n\\u0061me":"a.b"}]}', false],
    ["escaped printable ASCII anywhere", '{"text":"\\u0041"}', false],
    ["escaped control characters", '{"text":"\\u001b[0m\\u0000"}', true],
  ])("key search: %s → clean %s", (_, text, clean) => {
    expect(namedKeysAreValid(text)).toBe(clean)
  })

  it("property: exact on Messages bodies, whatever the JSON spelling", () => {
    fc.assert(
      fc.property(messagesBody, fc.integer(), fc.nat(2), (body, seed, style) => {
        const text =
          style === 0
            ? JSON.stringify(body)
            : style === 1
              ? JSON.stringify(body, null, 2)
              : unusualJson(body, seededRandom(seed))
        expect(mayHaveInvalidToolName(text)).toBe(parseFinds(text))
      }),
      { numRuns: 800 },
    )
  })

  it("property: the structure walk alone is exact on Messages bodies", () => {
    fc.assert(
      fc.property(messagesBody, fc.integer(), (body, seed) => {
        const text = unusualJson(body, seededRandom(seed))
        expect(structureMayHaveInvalidToolName(text)).toBe(parseFinds(text))
      }),
      { numRuns: 500 },
    )
  })

  it("property: sound on any JSON: when either pass says clean, a full parse finds nothing to rename", () => {
    fc.assert(
      fc.property(anyBody, fc.integer(), fc.boolean(), (body, seed, plain) => {
        const text = plain ? JSON.stringify(body) : unusualJson(body, seededRandom(seed))
        const finds = parseFinds(text)
        if (!mayHaveInvalidToolName(text)) expect(finds).toBe(false)
        if (namedKeysAreValid(text)) expect(finds).toBe(false)
        if (!structureMayHaveInvalidToolName(text)) expect(finds).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })

  it("property: sound on duplicate keys (JSON.parse keeps the last one)", () => {
    fc.assert(
      fc.property(messagesBody, messagesBody, (a, b) => {
        const text = `${JSON.stringify(a).slice(0, -1)},${JSON.stringify(b).slice(1)}`
        if (!mayHaveInvalidToolName(text)) expect(parseFinds(text)).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it("property: never throws or hangs on any prefix of a body or on random text", () => {
    fc.assert(
      fc.property(messagesBody, fc.nat(), fc.string(), (body, cut, noise) => {
        const text = JSON.stringify(body)
        expect(typeof mayHaveInvalidToolName(text.slice(0, cut % (text.length + 1)))).toBe("boolean")
        expect(typeof mayHaveInvalidToolName(`{${noise}`)).toBe("boolean")
      }),
      { numRuns: 500 },
    )
  })
})
