import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { anyBody, messagesBody, seededRandom, unusualJson } from "../test/arbitraries.ts"
import { rewriteBody } from "./_rewrite-body.ts"
import { requestToolNameSites } from "./_tool-name-sites.ts"
import { isValidToolName } from "./tool-name.ts"

const withInvalid = {
  model: "claude-sonnet-4-5",
  tools: [
    { name: "read", input_schema: { type: "object" } },
    {
      name: "github.create_issue",
      input_schema: { type: "object", properties: { name: { type: "string" } } },
    },
  ],
  tool_choice: { type: "tool", name: "github.create_issue" },
  messages: [
    { role: "user", content: "open an issue" },
    {
      role: "assistant",
      content: [
        { type: "text", text: "calling github.create_issue" },
        { type: "tool_use", id: "toolu_1", name: "github.create_issue", input: { name: "x y" } },
        { type: "server_tool_use", id: "srvtoolu_1", name: "web.search", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: [{ type: "tool_reference", tool_name: "a:b" }],
        },
      ],
    },
  ],
}

describe("rewriteBody", () => {
  it("passes a body with valid names through as the same string, without a reverse map", () => {
    const body = JSON.stringify({ tools: [{ name: "bash" }], messages: [] })
    const out = rewriteBody(body)
    expect(out.body).toBe(body)
    expect(out.toolNames).toBeUndefined()
  })

  it.each([
    ["absent", undefined],
    ["null", null],
    ["not JSON", "not json {"],
    ["a JSON array", '[{"tools":[{"name":"a.b"}]}]'],
    ["bytes that are not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d])],
    ["a stream", new ReadableStream()],
    ["form data", new URLSearchParams("a=b")],
  ])("passes a body that is %s through untouched", (_, body) => {
    const out = rewriteBody(body)
    expect(out.body).toBe(body)
    expect(out.toolNames).toBeUndefined()
  })

  it("passes a body that scans as maybe-invalid but has only valid tool names through unserialized", () => {
    // A name key with an invalid string sits where the scan looks (a text block), yet no tool_use has it.
    const body = '{ "messages": [ { "content": [ { "type": "text", "name": "a b", "text": "x" } ] } ] }'
    expect(rewriteBody(body).body).toBe(body)
  })

  it("renames tools, tool_choice, tool_use and tool_reference, and leaves everything else alone", () => {
    const out = rewriteBody(JSON.stringify(withInvalid))
    const sent = JSON.parse(out.body as string)
    const renamed = sent.tools[1].name
    expect(renamed).toMatch(/^github_create_issue_[0-9a-f]{8}$/)
    expect(sent.tools[0].name).toBe("read")
    expect(sent.tool_choice.name).toBe(renamed)
    expect(sent.messages[1].content[1].name).toBe(renamed)
    expect(sent.messages[1].content[1].input).toEqual({ name: "x y" })
    expect(sent.messages[1].content[0].text).toBe("calling github.create_issue")
    expect(sent.messages[1].content[2].name).toBe("web.search") // a server tool's name is the server's
    const reference = sent.messages[2].content[0].content[0].tool_name
    expect(reference).toMatch(/^a_b_[0-9a-f]{8}$/)
    expect(out.toolNames).toEqual(
      new Map([
        [renamed, "github.create_issue"],
        [reference, "a:b"],
      ]),
    )
    expect(sent.tools[1].input_schema).toEqual(withInvalid.tools[1]?.input_schema)
  })

  it.each([
    ["a Uint8Array", (s: string) => new TextEncoder().encode(s)],
    ["an ArrayBuffer", (s: string) => new TextEncoder().encode(s).buffer],
    ["a DataView over part of a buffer", (s: string) => viewInside(new TextEncoder().encode(s))],
  ])("reads %s body and sends a string when a name changes", (_, encode) => {
    const out = rewriteBody(encode(JSON.stringify(withInvalid)))
    expect(typeof out.body).toBe("string")
    expect(out.toolNames?.size).toBe(2)
  })

  it("passes valid bytes through as the same object", () => {
    const bytes = new TextEncoder().encode('{"tools":[{"name":"bash"}]}')
    expect(rewriteBody(bytes).body).toBe(bytes)
  })

  it("property: any JSON body round-trips — unchanged bytes, or the same value with only tool names replaced", () => {
    fc.assert(
      fc.property(anyBody, fc.integer(), fc.boolean(), (value, seed, plain) => {
        const text = plain ? JSON.stringify(value) : unusualJson(value, seededRandom(seed))
        const out = rewriteBody(text)
        if (out.toolNames === undefined) {
          expect(out.body).toBe(text)
          return
        }
        const sent = JSON.parse(out.body as string)
        // Put the originals back at every site: the result must equal what the caller sent.
        for (const site of requestToolNameSites(sent)) {
          const name = site.holder[site.key] as string
          expect(isValidToolName(name)).toBe(true)
          site.holder[site.key] = out.toolNames.get(name) ?? name
        }
        expect(sent).toEqual(JSON.parse(text))
      }),
      { numRuns: 500 },
    )
  })

  it("property: for a JSON.stringify body, only the renamed names differ, byte for byte", () => {
    fc.assert(
      fc.property(messagesBody, (value) => {
        const out = rewriteBody(JSON.stringify(value))
        if (out.toolNames === undefined) return
        const forward = new Map([...out.toolNames].map(([sanitized, original]) => [original, sanitized]))
        const expected = structuredClone(value)
        for (const site of requestToolNameSites(expected)) {
          const name = site.holder[site.key] as string
          site.holder[site.key] = forward.get(name) ?? name
        }
        expect(out.body).toBe(JSON.stringify(expected))
      }),
      { numRuns: 300 },
    )
  })
})

function viewInside(bytes: Uint8Array): DataView {
  const padded = new Uint8Array(bytes.length + 8)
  padded.set(bytes, 4)
  return new DataView(padded.buffer, 4, bytes.length)
}
