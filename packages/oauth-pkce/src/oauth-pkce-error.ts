const MARKER = Symbol.for("keyrelay.error.OAuthPkceError")

/** Stable codes of every OAuthPkceError; match on these, never on messages. */
export const OAUTH_PKCE_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_OAUTH_INVALID_OPTIONS",
} as const

/** One of OAUTH_PKCE_ERROR_CODES. */
export type OAuthPkceErrorCode = (typeof OAUTH_PKCE_ERROR_CODES)[keyof typeof OAUTH_PKCE_ERROR_CODES]

/**
 * The one error class of `@keyrelay/oauth-pkce`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class OAuthPkceError extends Error {
  readonly code: OAuthPkceErrorCode
  readonly [MARKER] = true

  constructor(code: OAuthPkceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "OAuthPkceError"
    this.code = code
  }

  /** Recognises an OAuthPkceError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is OAuthPkceError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an OAuthPkceError (from any installed copy of this package). */
export function isOAuthPkceError(value: unknown): value is OAuthPkceError {
  return OAuthPkceError.isInstance(value)
}
