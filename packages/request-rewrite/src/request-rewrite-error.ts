const MARKER = Symbol.for("keyrelay.error.RequestRewriteError")

/** Stable codes of every RequestRewriteError; match on these, never on messages. */
export const REQUEST_REWRITE_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_REWRITE_INVALID_OPTIONS",
} as const

/** One of REQUEST_REWRITE_ERROR_CODES. */
export type RequestRewriteErrorCode =
  (typeof REQUEST_REWRITE_ERROR_CODES)[keyof typeof REQUEST_REWRITE_ERROR_CODES]

/**
 * The one error class of `@keyrelay/request-rewrite`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class RequestRewriteError extends Error {
  readonly code: RequestRewriteErrorCode
  readonly [MARKER] = true

  constructor(code: RequestRewriteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "RequestRewriteError"
    this.code = code
  }

  /** Recognises an RequestRewriteError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is RequestRewriteError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an RequestRewriteError (from any installed copy of this package). */
export function isRequestRewriteError(value: unknown): value is RequestRewriteError {
  return RequestRewriteError.isInstance(value)
}
