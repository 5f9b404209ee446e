import type { ApiMessage } from "./build-message.ts"
import { randomInt } from "./seeded-random.ts"

/** One server-sent event: its name and its JSON data (whose `type` is the same name). */
export interface SseEvent {
  event: string
  data: Record<string, unknown>
}

/** Splits text into fragments of 1–`max` code points (never inside a surrogate pair). */
function fragments(text: string, random: () => number, max: number): string[] {
  const points = Array.from(text)
  const out: string[] = []
  for (let i = 0; i < points.length; ) {
    const n = randomInt(random, 1, max)
    out.push(points.slice(i, i + n).join(""))
    i += n
  }
  return out
}

/**
 * Fragments of a tool input's JSON the way the API streams them: the first one ends inside the first
 * key (mid-token), the rest are random 1–12 character pieces that cut through keys, strings and numbers.
 */
function jsonFragments(json: string, random: () => number): string[] {
  const firstKeyEnd = json.indexOf('"', 2)
  const cut = firstKeyEnd > 3 ? randomInt(random, 3, firstKeyEnd - 1) : Math.min(json.length, 1)
  return [json.slice(0, cut), ...fragments(json.slice(cut), random, 12)].filter((f) => f.length > 0)
}

/**
 * The SSE events of a streamed message, in the order of reference §1: `message_start` (usage with a
 * small `output_tokens`), a `ping`, each block's start / deltas / stop, one `message_delta` with the
 * cumulative usage, `message_stop`.
 *
 * @see reference/anthropic-api.md §1 ("Framing and order of events", "Shape of each event")
 */
export function messageEvents(message: ApiMessage, random: () => number): SseEvent[] {
  const ev = (event: string, rest: Record<string, unknown> = {}): SseEvent => ({
    event,
    data: { type: event, ...rest },
  })
  const events: SseEvent[] = [
    ev("message_start", {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          ...message.usage,
          output_tokens: Math.min(message.usage.output_tokens, randomInt(random, 1, 3)),
        },
      },
    }),
    ev("ping"),
  ]
  message.content.forEach((block, index) => {
    const delta = (d: Record<string, unknown>) => events.push(ev("content_block_delta", { index, delta: d }))
    switch (block.type) {
      case "text":
        events.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }))
        for (const text of fragments(block.text, random, 16)) delta({ type: "text_delta", text })
        break
      case "tool_use":
        events.push(
          ev("content_block_start", {
            index,
            content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
          }),
        )
        delta({ type: "input_json_delta", partial_json: "" })
        for (const partial_json of jsonFragments(JSON.stringify(block.input), random)) {
          delta({ type: "input_json_delta", partial_json })
        }
        break
      case "thinking":
        events.push(
          ev("content_block_start", {
            index,
            content_block: { type: "thinking", thinking: "", signature: "" },
          }),
        )
        for (const thinking of fragments(block.thinking, random, 24))
          delta({ type: "thinking_delta", thinking })
        delta({ type: "signature_delta", signature: block.signature })
        break
      case "redacted_thinking":
        events.push(ev("content_block_start", { index, content_block: block }))
        break
    }
    events.push(ev("content_block_stop", { index }))
  })
  const u = message.usage
  const cached = u.cache_creation_input_tokens > 0 || u.cache_read_input_tokens > 0
  events.push(
    ev("message_delta", {
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: cached
        ? {
            input_tokens: u.input_tokens,
            cache_creation_input_tokens: u.cache_creation_input_tokens,
            cache_read_input_tokens: u.cache_read_input_tokens,
            output_tokens: u.output_tokens,
          }
        : { output_tokens: u.output_tokens },
    }),
    ev("message_stop"),
  )
  return events
}

/** The wire form of one event: `event:` line, `data:` line, blank line. */
export function encodeEvent(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`
}
