import { isRecord, stringOrNull, UNPARSABLE } from "./_json.ts"
import type { StreamError } from "./stream-summary.ts"

const MAX_RAW_MESSAGE = 1_000

/**
 * Reads an error envelope (`{"type":"error","error":{"type","message"},"request_id"}`); anything else still
 * yields an error, with the raw text as its message, because the API said something went wrong.
 *
 * @see https://platform.claude.com/docs/en/api/errors (error envelope, errors mid-stream)
 */
export function readStreamError(parsed: unknown, rawText: string): StreamError {
  if (isRecord(parsed) && isRecord(parsed.error)) {
    return {
      type: stringOrNull(parsed.error.type),
      message: stringOrNull(parsed.error.message),
      requestId: stringOrNull(parsed.request_id),
    }
  }
  const text = parsed === UNPARSABLE || !isRecord(parsed) ? rawText : JSON.stringify(parsed)
  return { type: null, message: text.slice(0, MAX_RAW_MESSAGE) || null, requestId: null }
}
