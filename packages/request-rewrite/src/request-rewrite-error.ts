const MARKER = Symbol.for("keyrelay.error.RequestRewriteError")

/** Stable codes of every RequestRewriteError; match on these, never on messages. */
export const REQUEST_REWRITE_ERROR_CODES = {
  /** An option is missing or malformed (an unknown credential type, a `host` or beta that is not a token). */
  INVALID_OPTIONS: "ERR_REWRITE_INVALID_OPTIONS",
  /** The account's base URL cannot be parsed, is not http(s), or carries a user name, password, query or fragment. */
  INVALID_BASE_URL: "ERR_REWRITE_INVALID_BASE_URL",
  /** The account's base URL uses plain `http://` for a host that is not loopback. */
  INSECURE_BASE_URL: "ERR_REWRITE_INSECURE_BASE_URL",
  /** The incoming request URL cannot be parsed. */
  INVALID_URL: "ERR_REWRITE_INVALID_URL",
  /** The credential is empty or holds characters a header value cannot carry (whitespace, control characters). */
  INVALID_CREDENTIAL: "ERR_REWRITE_INVALID_CREDENTIAL",
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

  /** Recognises a RequestRewriteError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is RequestRewriteError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is a RequestRewriteError (from any installed copy of this package). */
export function isRequestRewriteError(value: unknown): value is RequestRewriteError {
  return RequestRewriteError.isInstance(value)
}
