const MARKER = Symbol.for("keyrelay.error.OAuthPkceError")

/** Stable codes of every OAuthPkceError; match on these, never on messages. */
export const OAUTH_PKCE_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_OAUTH_INVALID_OPTIONS",
  /** An endpoint is plain `http:` on a host other than loopback; credentials are never sent there. */
  INSECURE_ENDPOINT: "ERR_OAUTH_INSECURE_ENDPOINT",
  /** Discovery (RFC 8414 / OpenID Connect Discovery) failed or returned unusable metadata. */
  DISCOVERY_FAILED: "ERR_OAUTH_DISCOVERY_FAILED",
  /** The authorization server lacks something this flow needs (S256 PKCE, a device endpoint, …). */
  UNSUPPORTED: "ERR_OAUTH_UNSUPPORTED",
  /** The identity provider could not be reached (connection refused, DNS, TLS). */
  NETWORK: "ERR_OAUTH_NETWORK",
  /** The callback's `state` is missing or does not match the sign-in that is waiting for it. */
  STATE_MISMATCH: "ERR_OAUTH_STATE_MISMATCH",
  /** The pasted text holds no authorization response (no `code` and `state`). */
  PASTED_CODE_INVALID: "ERR_OAUTH_PASTED_CODE_INVALID",
  /** The user or the provider refused the authorization (`access_denied`). */
  ACCESS_DENIED: "ERR_OAUTH_ACCESS_DENIED",
  /** The authorization response carried another OAuth error (`invalid_scope`, `server_error`, …). */
  AUTHORIZATION_FAILED: "ERR_OAUTH_AUTHORIZATION_FAILED",
  /** The token endpoint answered `invalid_grant`: the code or refresh token is expired, revoked or reused. */
  INVALID_GRANT: "ERR_OAUTH_INVALID_GRANT",
  /** The token or device authorization endpoint answered another error (`invalid_client`, a 5xx, …). */
  TOKEN_REQUEST_FAILED: "ERR_OAUTH_TOKEN_REQUEST_FAILED",
  /** A response from the provider is not what the protocol requires (not JSON, a required field missing). */
  INVALID_RESPONSE: "ERR_OAUTH_INVALID_RESPONSE",
  /** An ID token failed validation: signature, issuer, audience, time, nonce or subject. */
  ID_TOKEN_INVALID: "ERR_OAUTH_ID_TOKEN_INVALID",
  /** The provider returned no ID token where one is needed (request the `openid` scope). */
  ID_TOKEN_MISSING: "ERR_OAUTH_ID_TOKEN_MISSING",
  /** An ID token is valid but cannot be used for workload identity federation (no `kid`, too short-lived, not fresh). */
  ID_TOKEN_UNSUITABLE: "ERR_OAUTH_ID_TOKEN_UNSUITABLE",
  /** The device code expired before the user approved it (`expired_token`). */
  DEVICE_CODE_EXPIRED: "ERR_OAUTH_DEVICE_CODE_EXPIRED",
  /** No usable tokens are stored: sign in first. */
  SIGN_IN_REQUIRED: "ERR_OAUTH_SIGN_IN_REQUIRED",
  /** The loopback listener could not be started on 127.0.0.1. */
  LOOPBACK_UNAVAILABLE: "ERR_OAUTH_LOOPBACK_UNAVAILABLE",
  /** The sign-in already finished; a second authorization response is refused. */
  ALREADY_COMPLETED: "ERR_OAUTH_ALREADY_COMPLETED",
  /** Nothing arrived in time (the loopback callback, or a request to the provider). */
  TIMEOUT: "ERR_OAUTH_TIMEOUT",
  /** The caller cancelled (an `AbortSignal`, or `close()`). */
  ABORTED: "ERR_OAUTH_ABORTED",
} as const

/** One of OAUTH_PKCE_ERROR_CODES. */
export type OAuthPkceErrorCode = (typeof OAUTH_PKCE_ERROR_CODES)[keyof typeof OAUTH_PKCE_ERROR_CODES]

/** What an OAuthPkceError may carry besides its code and message; never a token. */
export interface OAuthPkceErrorOptions {
  cause?: unknown
  /** The provider's OAuth `error` value (RFC 6749 §4.1.2.1, §5.2; RFC 8628 §3.5). */
  error?: string | undefined
  /** The provider's `error_description`, as it sent it. */
  errorDescription?: string | undefined
  /** The HTTP status of the provider's response, when there was one. */
  status?: number | undefined
}

/**
 * The one error class of `@keyrelay/oauth-pkce`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error, `error` and `errorDescription` what the provider
 * said.
 */
export class OAuthPkceError extends Error {
  readonly code: OAuthPkceErrorCode
  /** The provider's OAuth `error` value, when the provider sent one. */
  readonly error: string | undefined
  /** The provider's `error_description`, when the provider sent one. */
  readonly errorDescription: string | undefined
  /** The HTTP status of the provider's response, when there was one. */
  readonly status: number | undefined
  readonly [MARKER] = true

  constructor(code: OAuthPkceErrorCode, message: string, options: OAuthPkceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = "OAuthPkceError"
    this.code = code
    this.error = options.error
    this.errorDescription = options.errorDescription
    this.status = options.status
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
