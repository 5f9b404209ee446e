import { countOutputTokens } from "./estimate-tokens.ts"
import { makeMessageId, makeSignature, makeToolUseId } from "./make-ids.ts"
import type { MockContentBlock, MockReply } from "./mock-config.ts"
import type { InputUsage } from "./prompt-cache.ts"

/** The reply when nothing else is scripted; the em dash puts a multi-byte character in every stream. */
export const DEFAULT_REPLY_TEXT = "Hello from the keyrelay mock of the Anthropic API — no model was involved."

/** A content block as the API returns it (ids and signatures filled in). */
export type ApiContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }

/** The API's `Usage` object. */
export interface ApiUsage {
  input_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number }
  output_tokens: number
  service_tier: "standard"
}

/** A non-streaming Messages API response body. */
export interface ApiMessage {
  id: string
  type: "message"
  role: "assistant"
  model: string
  content: ApiContentBlock[]
  stop_reason: string
  stop_sequence: null
  usage: ApiUsage
}

function thinkingEnabled(body: Record<string, unknown>): boolean {
  const t = body.thinking as { type?: unknown } | undefined
  return typeof t === "object" && t !== null && (t.type === "enabled" || t.type === "adaptive")
}

/** The content blocks a reply produces for a request (the default text, an automatic thinking block). */
export function replyContent(
  reply: MockReply | undefined,
  body: Record<string, unknown>,
): MockContentBlock[] {
  const content: MockContentBlock[] = reply?.content
    ? [...reply.content]
    : [{ type: "text", text: DEFAULT_REPLY_TEXT }]
  if ((reply?.autoThinking ?? true) && thinkingEnabled(body) && !content.some((b) => b.type === "thinking")) {
    content.unshift({
      type: "thinking",
      thinking: "The user wants a reply; the mock answers with its script.",
    })
  }
  return content
}

/**
 * Builds the complete message the mock answers: ids, signatures, stop reason, and usage (input from the
 * estimate and the prompt cache, output from the content, each overridable by the reply).
 */
export function buildMessage(options: {
  reply: MockReply | undefined
  body: Record<string, unknown>
  model: string
  input: InputUsage
  random: () => number
}): ApiMessage {
  const { reply, body, model, input, random } = options
  const content = replyContent(reply, body)
  const blocks = content.map((b): ApiContentBlock => {
    switch (b.type) {
      case "text":
        return { type: "text", text: b.text }
      case "tool_use":
        return { type: "tool_use", id: b.id ?? makeToolUseId(random), name: b.name, input: b.input }
      case "thinking":
        return { type: "thinking", thinking: b.thinking, signature: b.signature ?? makeSignature(random) }
      default:
        return { type: "redacted_thinking", data: b.data }
    }
  })
  const u = reply?.usage
  const cacheWrite = u?.cacheCreationInputTokens ?? input.cacheCreationInputTokens
  const oneHour = u?.cacheCreationInputTokens === undefined ? input.cacheCreation1hTokens : 0
  return {
    id: makeMessageId(random),
    type: "message",
    role: "assistant",
    model,
    content: blocks,
    stop_reason: reply?.stopReason ?? (blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: {
      input_tokens: u?.inputTokens ?? input.inputTokens,
      cache_creation_input_tokens: cacheWrite,
      cache_read_input_tokens: u?.cacheReadInputTokens ?? input.cacheReadInputTokens,
      cache_creation: { ephemeral_5m_input_tokens: cacheWrite - oneHour, ephemeral_1h_input_tokens: oneHour },
      output_tokens: u?.outputTokens ?? countOutputTokens(content),
      service_tier: "standard",
    },
  }
}
