const MARKER = Symbol.for("keyrelay.error.PoolFetchError")

/** Stable codes of every PoolFetchError; match on these, never on messages. */
export const POOL_FETCH_ERROR_CODES = {
  /** An option or argument passed to a factory or function is missing or malformed. */
  INVALID_OPTIONS: "ERR_POOL_INVALID_OPTIONS",
  /** An account's credential could not be resolved (missing variable, failed command, profile or exchange). */
  CREDENTIAL_UNAVAILABLE: "ERR_POOL_CREDENTIAL_UNAVAILABLE",
  /** No account with that id is in the pool (perhaps removed by another process). */
  ACCOUNT_NOT_FOUND: "ERR_POOL_ACCOUNT_NOT_FOUND",
  /** The request body is a kind that cannot be sent twice (and so cannot fail over) and could not be read. */
  BODY_UNREADABLE: "ERR_POOL_BODY_UNREADABLE",
  /** The pool fetch was used after `close()`. */
  CLOSED: "ERR_POOL_CLOSED",
  /** A federation account's sign-in to the user's identity provider did not complete (the provider's error is the `cause`). */
  SIGN_IN_FAILED: "ERR_POOL_SIGN_IN_FAILED",
} as const

/** One of POOL_FETCH_ERROR_CODES. */
export type PoolFetchErrorCode = (typeof POOL_FETCH_ERROR_CODES)[keyof typeof POOL_FETCH_ERROR_CODES]

/**
 * The one error class of `@keyrelay/pool-fetch`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class PoolFetchError extends Error {
  readonly code: PoolFetchErrorCode
  readonly [MARKER] = true

  constructor(code: PoolFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "PoolFetchError"
    this.code = code
  }

  /** Recognises a PoolFetchError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is PoolFetchError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is a PoolFetchError (from any installed copy of this package). */
export function isPoolFetchError(value: unknown): value is PoolFetchError {
  return PoolFetchError.isInstance(value)
}
