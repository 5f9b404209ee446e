import { isRecord, UNPARSABLE } from "./_json.ts"
import type { StreamError } from "./stream-summary.ts"

const MAX_RAW_MESSAGE = 1_000

/**
 * Reads an error envelope (`{"type":"error","error":{"type","message"},"request_id"}`); anything else still
 * yields an error, with the raw text as its message, because the API said something went wrong. Fields
 * the data does not give are left out (rotation-strategies' `classifyStreamFailure` takes this shape).
 *
 * @see https://platform.claude.com/docs/en/api/errors (error envelope, errors mid-stream)
 */
export function readStreamError(parsed: unknown, rawText: string): StreamError {
  const error: StreamError = {}
  if (isRecord(parsed) && isRecord(parsed.error)) {
    const { type, message } = parsed.error
    if (typeof type === "string") error.type = type
    if (typeof message === "string") error.message = message
    if (typeof parsed.request_id === "string") error.requestId = parsed.request_id
    return error
  }
  const text = parsed === UNPARSABLE || !isRecord(parsed) ? rawText : JSON.stringify(parsed)
  if (text !== "") error.message = text.slice(0, MAX_RAW_MESSAGE)
  return error
}
