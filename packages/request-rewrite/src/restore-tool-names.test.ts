import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { invalidToolName, toolName } from "../test/arbitraries.ts"
import { rewriteBody } from "./_rewrite-body.ts"
import {
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
  restoreToolNamesInMessage,
  TOOL_NAME_EVENT_TYPES,
} from "./restore-tool-names.ts"

const map = new Map([
  ["a_b_108bf50c", "a.b"],
  ["srv_tool_00000001", "srv:tool"],
])
const toolUse = { type: "tool_use", id: "toolu_1", name: "a_b_108bf50c", input: {} }

describe("restoreToolNamesInEvent", () => {
  it("restores a tool_use name in content_block_start without touching the input event", () => {
    const event = { type: "content_block_start", index: 1, content_block: toolUse }
    const restored = restoreToolNamesInEvent(event, map)
    expect(restored).toEqual({ ...event, content_block: { ...toolUse, name: "a.b" } })
    expect(event.content_block.name).toBe("a_b_108bf50c")
  })

  it("restores tool_reference names of a tool search result", () => {
    const event = {
      type: "content_block_start",
      index: 2,
      content_block: {
        type: "tool_search_tool_result",
        tool_use_id: "srvtoolu_1",
        content: {
          type: "tool_search_tool_search_result",
          tool_references: [
            { type: "tool_reference", tool_name: "srv_tool_00000001" },
            { type: "tool_reference", tool_name: "bash" },
          ],
        },
      },
    }
    const restored = restoreToolNamesInEvent(event, map)
    expect(restored.content_block.content.tool_references.map((r) => r.tool_name)).toEqual([
      "srv:tool",
      "bash",
    ])
  })

  it("restores blocks carried by message_start", () => {
    const event = { type: "message_start", message: { type: "message", content: [toolUse], usage: {} } }
    expect(restoreToolNamesInEvent(event, map).message.content[0]?.name).toBe("a.b")
  })

  it.each([
    [
      "a text block",
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "a_b_108bf50c" } },
    ],
    [
      "a delta",
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{" } },
    ],
    [
      "an unmapped tool",
      { type: "content_block_start", index: 0, content_block: { ...toolUse, name: "bash" } },
    ],
    [
      "a server tool named like a mapped one",
      { type: "content_block_start", index: 0, content_block: { ...toolUse, type: "server_tool_use" } },
    ],
    ["an error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }],
    ["a message_stop", { type: "message_stop" }],
  ])("returns %s as the same object", (_, event) => {
    expect(restoreToolNamesInEvent(event, map)).toBe(event)
  })

  it.each([
    ["no map", undefined],
    ["an empty map", new Map<string, string>()],
  ])("returns the event itself with %s", (_, toolNames) => {
    const event = { type: "content_block_start", index: 0, content_block: toolUse }
    expect(restoreToolNamesInEvent(event, toolNames)).toBe(event)
  })

  it("names exactly the event types it can change", () => {
    expect(TOOL_NAME_EVENT_TYPES).toEqual(["message_start", "content_block_start"])
    const others = [
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
      "ping",
      "error",
    ]
    for (const type of others) {
      const event = { type, content_block: toolUse, message: { content: [toolUse] } }
      expect(restoreToolNamesInEvent(event, map)).toBe(event)
    }
  })

  it.each([null, "text", 42, []])("passes %j through", (value) => {
    expect(restoreToolNamesInEvent(value, map)).toBe(value)
  })
})

describe("restoreToolNamesInMessage and restoreToolNamesInJson", () => {
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [{ type: "text", text: "I'll call it" }, toolUse],
    stop_reason: "tool_use",
  }

  it("restores a tool_use name in a message and leaves the original untouched", () => {
    const restored = restoreToolNamesInMessage(message, map)
    expect(restored.content[1]).toEqual({ ...toolUse, name: "a.b" })
    expect(message.content[1]).toBe(toolUse)
    expect(restoreToolNamesInMessage({ ...message, content: [] }, map)).toEqual({ ...message, content: [] })
  })

  it("returns the same text, unparsed, when no sanitized name occurs in it", () => {
    const text = JSON.stringify({ ...message, content: [{ type: "text", text: "hi" }] })
    expect(restoreToolNamesInJson(text, map)).toBe(text)
    expect(restoreToolNamesInJson(text, undefined)).toBe(text)
  })

  it("restores names in JSON text, and keeps text that only mentions a name", () => {
    expect(JSON.parse(restoreToolNamesInJson(JSON.stringify(message), map)).content[1].name).toBe("a.b")
    const mention = JSON.stringify({ ...message, content: [{ type: "text", text: "a_b_108bf50c" }] })
    expect(restoreToolNamesInJson(mention, map)).toBe(mention)
    expect(restoreToolNamesInJson("a_b_108bf50c is not json", map)).toBe("a_b_108bf50c is not json")
  })

  it("property: a response naming the sanitized tools restores every original name", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(toolName, { minLength: 1, maxLength: 8 }),
        invalidToolName,
        (names, extra) => {
          const tools = [...names, extra].map((name) => ({ name, input_schema: { type: "object" } }))
          const out = rewriteBody(JSON.stringify({ model: "m", tools, messages: [] }))
          const sent: string[] = JSON.parse(out.body as string).tools.map((t: { name: string }) => t.name)
          // The model calls every tool, streaming and not.
          const content = sent.map((name, i) => ({ type: "tool_use", id: `toolu_${i}`, name, input: {} }))
          const json = JSON.parse(
            restoreToolNamesInJson(JSON.stringify({ type: "message", content }), out.toolNames),
          )
          expect(json.content.map((b: { name: string }) => b.name)).toEqual(tools.map((t) => t.name))
          const streamed = content.map(
            (block, index) =>
              restoreToolNamesInEvent(
                { type: "content_block_start", index, content_block: block },
                out.toolNames,
              ).content_block.name,
          )
          expect(streamed).toEqual(tools.map((t) => t.name))
        },
      ),
      { numRuns: 300 },
    )
  })
})
