import { isRecord, parseJson, stringOrNull, UNPARSABLE } from "./_json.ts"
import { readStreamError } from "./_read-error.ts"
import { emptyUsage, mergeUsage } from "./_usage.ts"
import type { StreamSummary } from "./stream-summary.ts"

/**
 * The same summary as the stream observer's, from a non-streaming Messages response: a parsed body, or its
 * text. A complete message counts as having reached `message_stop`; an error body fills `error`; anything
 * else gives an empty summary with `malformedEvents: 1` (it never throws). Timings are null: they belong
 * to the caller.
 *
 * @example
 * ```ts
 * const summary = summarizeMessage(await response.clone().json())
 * console.log(summary.model, summary.usage.outputTokens, summary.stopReason)
 * ```
 * @see https://platform.claude.com/docs/en/api/messages (the `Message` object and its `usage`)
 * @see https://platform.claude.com/docs/en/api/errors (error envelope)
 */
export function summarizeMessage(body: unknown): StreamSummary {
  const text = typeof body === "string" ? body : null
  const parsed = text === null ? body : parseJson(text)
  const summary: StreamSummary = {
    messageId: null,
    model: null,
    usage: emptyUsage(),
    stopReason: null,
    sawMessageStop: false,
    error: null,
    truncated: false,
    end: "eof",
    timeToFirstByteMs: null,
    timeToFirstContentMs: null,
    bytes: text === null ? 0 : new TextEncoder().encode(text).length,
    malformedEvents: 0,
  }
  if (isRecord(parsed) && parsed.type === "error") {
    summary.error = readStreamError(parsed, text ?? "")
    if (!isRecord(parsed.error)) summary.malformedEvents = 1
    return summary
  }
  if (parsed === UNPARSABLE || !isRecord(parsed) || parsed.type !== "message") {
    summary.malformedEvents = 1
    return summary
  }
  summary.messageId = stringOrNull(parsed.id)
  summary.model = stringOrNull(parsed.model)
  summary.stopReason = stringOrNull(parsed.stop_reason)
  summary.sawMessageStop = true
  mergeUsage(summary.usage, parsed.usage)
  return summary
}
