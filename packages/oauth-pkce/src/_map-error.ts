import * as oauth from "oauth4webapi"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

/** Which protocol step failed; decides the code of errors that mean different things in different steps. */
export type _Step =
  | "discovery"
  | "authorization response"
  | "token request"
  | "refresh"
  | "device authorization"
  | "device token request"
  | "ID token signature"

/** Thrown by the fetch wrapper given to oauth4webapi, so a transport failure is told apart from a protocol one. */
export class _TransportFailure extends Error {
  constructor(cause: unknown) {
    super("the request did not reach the identity provider", { cause })
    this.name = "TransportFailure"
  }
}

const MAX_DESCRIPTION = 300

function said(error: string | undefined, description: string | undefined): string {
  if (!error) return ""
  const text = description ? `${error}: ${description.slice(0, MAX_DESCRIPTION)}` : error
  return ` (the provider said ${JSON.stringify(text)})`
}

// The causes oauth4webapi attaches can hold whole response bodies (tokens included): keep only what identifies
// the failure.
function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined
  const copy = new Error(error.message)
  copy.name = error.name
  const code = (error as { code?: unknown }).code
  if (typeof code === "string") Object.assign(copy, { code })
  return copy
}

function abortKind(error: unknown): "abort" | "timeout" | undefined {
  const name = (error as { name?: unknown } | null)?.name
  if (name === "TimeoutError") return "timeout"
  if (name === "AbortError") return "abort"
  return undefined
}

/**
 * Turns whatever a protocol step threw into an OAuthPkceError with a stable code, the provider's `error` and
 * `error_description`, and a message that names the step and the issuer and says what to do next.
 */
export function _mapError(error: unknown, step: _Step, issuer: string): OAuthPkceError {
  if (isOAuthPkceError(error)) return error
  const C = OAUTH_PKCE_ERROR_CODES
  const where = `${step} at ${issuer}`

  const transport = error instanceof _TransportFailure ? error.cause : error
  const kind = abortKind(transport)
  if (kind === "timeout")
    return new OAuthPkceError(C.TIMEOUT, `The ${where} timed out. Check the connection and try again.`)
  if (kind === "abort") return new OAuthPkceError(C.ABORTED, `The ${where} was cancelled.`)
  if (error instanceof _TransportFailure) {
    return new OAuthPkceError(
      C.NETWORK,
      `The ${where} could not reach the identity provider. Check the issuer URL and the network, then try again.`,
      { cause: safeCause(transport) },
    )
  }

  if (error instanceof oauth.AuthorizationResponseError) {
    const opts = { error: error.error, errorDescription: error.error_description, cause: safeCause(error) }
    if (error.error === "access_denied")
      return new OAuthPkceError(
        C.ACCESS_DENIED,
        `The sign-in at ${issuer} was refused${said(error.error, error.error_description)}. Sign in again and approve the request.`,
        opts,
      )
    return new OAuthPkceError(
      C.AUTHORIZATION_FAILED,
      `The ${where} is an error${said(error.error, error.error_description)}. Check the client id, scope and redirect URI registered with the provider.`,
      opts,
    )
  }

  if (error instanceof oauth.ResponseBodyError) {
    const opts = {
      error: error.error,
      errorDescription: error.error_description,
      status: error.status,
      cause: safeCause(error),
    }
    switch (error.error) {
      case "invalid_grant":
        return new OAuthPkceError(
          C.INVALID_GRANT,
          `The ${where} was refused${said(error.error, error.error_description)}: the grant is expired, revoked or was already used. Sign in again.`,
          opts,
        )
      case "access_denied":
        return new OAuthPkceError(
          C.ACCESS_DENIED,
          `The sign-in at ${issuer} was refused${said(error.error, error.error_description)}. Sign in again and approve the request.`,
          opts,
        )
      case "expired_token":
        return new OAuthPkceError(
          C.DEVICE_CODE_EXPIRED,
          `The device code expired before it was approved at ${issuer}${said(error.error, error.error_description)}. Start the device sign-in again.`,
          opts,
        )
      default:
        return new OAuthPkceError(
          C.TOKEN_REQUEST_FAILED,
          `The ${where} failed with HTTP ${error.status}${said(error.error, error.error_description)}. Check the client id and scope, or try again later.`,
          opts,
        )
    }
  }

  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const parameters = error.cause[0]?.parameters
    return new OAuthPkceError(
      C.TOKEN_REQUEST_FAILED,
      `The ${where} was challenged with HTTP ${error.status}${said(parameters?.error, parameters?.error_description)}. Check that the client is registered as a public client.`,
      {
        error: parameters?.error,
        errorDescription: parameters?.error_description,
        status: error.status,
        cause: safeCause(error),
      },
    )
  }

  if (step === "ID token signature") {
    return new OAuthPkceError(
      C.ID_TOKEN_INVALID,
      `The ID token from ${issuer} failed signature validation against the provider's JWKS. Sign in again; if it persists, check the provider's signing keys.`,
      { cause: safeCause(error) },
    )
  }

  if (error instanceof oauth.OperationProcessingError) {
    switch (error.code) {
      case oauth.HTTP_REQUEST_FORBIDDEN:
      case oauth.REQUEST_PROTOCOL_FORBIDDEN:
        return new OAuthPkceError(
          C.INSECURE_ENDPOINT,
          `The ${where} would go over plain http to a host other than loopback. Use the provider's https issuer URL.`,
          { cause: safeCause(error) },
        )
      case oauth.JWT_TIMESTAMP_CHECK:
      case oauth.JWT_CLAIM_COMPARISON:
      case oauth.KEY_SELECTION:
        return new OAuthPkceError(
          C.ID_TOKEN_INVALID,
          `The ID token from the ${where} is invalid (${error.message}). Check this machine's clock and sign in again.`,
          { cause: safeCause(error) },
        )
      case oauth.MISSING_SERVER_METADATA:
        return new OAuthPkceError(
          C.UNSUPPORTED,
          `The provider at ${issuer} does not advertise what the ${step} needs (${error.message}).`,
          { cause: safeCause(error) },
        )
    }
    const status = (error.cause as { status?: unknown } | undefined)?.status
    const httpStatus = typeof status === "number" ? status : undefined
    if (step === "discovery") {
      return new OAuthPkceError(
        C.DISCOVERY_FAILED,
        `Discovery at ${issuer} failed (${error.message}). Check the issuer URL: it must be exactly the provider's issuer identifier.`,
        { cause: safeCause(error), status: httpStatus },
      )
    }
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM && httpStatus !== undefined && httpStatus !== 200) {
      return new OAuthPkceError(
        C.TOKEN_REQUEST_FAILED,
        `The ${where} failed with HTTP ${httpStatus} and no OAuth error body. Try again later.`,
        { cause: safeCause(error), status: httpStatus },
      )
    }
    return new OAuthPkceError(
      C.INVALID_RESPONSE,
      `The ${where} returned a response that breaks the protocol (${error.message}).`,
      { cause: safeCause(error), status: httpStatus },
    )
  }

  if (error instanceof oauth.UnsupportedOperationError) {
    return new OAuthPkceError(
      C.UNSUPPORTED,
      `The ${where} needs something this client does not support (${error.message}).`,
      { cause: safeCause(error) },
    )
  }

  return new OAuthPkceError(
    C.INVALID_RESPONSE,
    `The ${where} failed unexpectedly (${error instanceof Error ? error.message : String(error)}).`,
    { cause: safeCause(error) },
  )
}
