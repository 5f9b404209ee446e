const MARKER = Symbol.for("keyrelay.error.SseTransformError")

/** Stable codes of every SseTransformError; match on these, never on messages. */
export const SSE_TRANSFORM_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_SSE_INVALID_OPTIONS",
  /** Something other than a Uint8Array was written to a transform; pipe a response body's bytes through it. */
  INVALID_CHUNK: "ERR_SSE_INVALID_CHUNK",
  /** An event mapper's `map` threw, or returned an event that cannot be serialized; the mapper's stream fails. */
  MAP_FAILED: "ERR_SSE_MAP_FAILED",
} as const

/** One of SSE_TRANSFORM_ERROR_CODES. */
export type SseTransformErrorCode = (typeof SSE_TRANSFORM_ERROR_CODES)[keyof typeof SSE_TRANSFORM_ERROR_CODES]

/**
 * The one error class of `@keyrelay/sse-transform`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class SseTransformError extends Error {
  readonly code: SseTransformErrorCode
  readonly [MARKER] = true

  constructor(code: SseTransformErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "SseTransformError"
    this.code = code
  }

  /** Recognises an SseTransformError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is SseTransformError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an SseTransformError (from any installed copy of this package). */
export function isSseTransformError(value: unknown): value is SseTransformError {
  return SseTransformError.isInstance(value)
}
