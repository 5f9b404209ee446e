import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { buildMessage } from "./build-message.ts"
import { chunkBytes } from "./chunk-bytes.ts"
import { encodeEvent, messageEvents, type SseEvent } from "./message-events.ts"
import type { MockReply } from "./mock-config.ts"
import { seededRandom } from "./seeded-random.ts"

const input = {
  inputTokens: 10,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
  cacheCreation5mTokens: 0,
  cacheCreation1hTokens: 0,
}

const TOOL_REPLY: MockReply = {
  content: [
    { type: "thinking", thinking: "Pensons-y : l'utilisateur veut lister le dépôt ✓" },
    { type: "text", text: "Je regarde — un instant." },
    {
      type: "tool_use",
      name: "bash",
      input: { command: "ls -la ~/projets/été", timeout: 12000, flags: ["-a", "ü"] },
    },
  ],
}

function message(reply: MockReply, seed = 1, overrides: Partial<typeof input> = {}) {
  return buildMessage({
    reply,
    body: {},
    model: "claude-sonnet-4-5",
    input: { ...input, ...overrides },
    random: seededRandom(seed),
  })
}

/** A streaming SSE decoder fed with byte chunks, as a careful client would write it. */
function decode(chunks: Uint8Array[]): SseEvent[] {
  const decoder = new TextDecoder()
  let buffer = ""
  const out: SseEvent[] = []
  const drain = () => {
    for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, i)
      buffer = buffer.slice(i + 2)
      const lines = block.split("\n")
      const event = lines.find((l) => l.startsWith("event: "))!.slice(7)
      out.push({ event, data: JSON.parse(lines.find((l) => l.startsWith("data: "))!.slice(6)) })
    }
  }
  for (const c of chunks) {
    buffer += decoder.decode(c, { stream: true })
    drain()
  }
  buffer += decoder.decode()
  drain()
  return out
}

describe("messageEvents", () => {
  it("streams thinking with a signature, text, and tool input split mid-token, that add up to the message", () => {
    const m = message(TOOL_REPLY)
    const events = messageEvents(m, seededRandom(3))
    expect(events.map((e) => e.event).slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"])
    for (const e of events) expect(e.data["type"]).toBe(e.event)

    const deltas = (index: number) =>
      events
        .filter((e) => e.event === "content_block_delta" && e.data["index"] === index)
        .map((e) => e.data["delta"] as Record<string, string>)
    const thinking = deltas(0)
    expect(
      thinking
        .filter((d) => d["type"] === "thinking_delta")
        .map((d) => d["thinking"])
        .join(""),
    ).toBe((m.content[0] as { thinking: string }).thinking)
    expect(thinking.at(-1)).toEqual({
      type: "signature_delta",
      signature: (m.content[0] as { signature: string }).signature,
    })
    expect(
      deltas(1)
        .map((d) => d["text"])
        .join(""),
    ).toBe("Je regarde — un instant.")

    const json = deltas(2).map((d) => d["partial_json"])
    expect(json[0]).toBe("")
    expect(json[1]!.startsWith('{"') && !json[1]!.includes('":')).toBe(true) // ends inside the first key
    expect(JSON.parse(json.join(""))).toEqual((TOOL_REPLY.content![2] as { input: unknown }).input)

    const start = events[0]!.data["message"] as {
      usage: { output_tokens: number }
      content: unknown[]
      stop_reason: unknown
    }
    expect(start.content).toEqual([])
    expect(start.stop_reason).toBeNull()
    expect(start.usage.output_tokens).toBeLessThanOrEqual(3)
    const delta = events.at(-2)!
    expect(delta.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: m.usage.output_tokens },
    })
    expect(events.at(-1)).toEqual({ event: "message_stop", data: { type: "message_stop" } })
  })

  it("repeats input and cache counts in message_delta when the prompt cache was used", () => {
    const m = message({}, 1, { cacheReadInputTokens: 300 })
    const delta = messageEvents(m, seededRandom(1)).at(-2)!
    expect(delta.data["usage"]).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 300,
      output_tokens: m.usage.output_tokens,
    })
  })

  it("yields the same events however the bytes are chunked (cuts inside lines, events and UTF-8)", () => {
    const events = messageEvents(message(TOOL_REPLY), seededRandom(5))
    const bytes = Buffer.from(events.map(encodeEvent).join(""))
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 64 }), (seed, max) => {
        expect(decode(chunkBytes(bytes, seededRandom(seed), 1, max))).toEqual(events)
      }),
      { numRuns: 40 },
    )
  })
})
