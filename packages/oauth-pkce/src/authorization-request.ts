import * as oauth from "oauth4webapi"
import {
  _assertSecureEndpoint,
  type _ClientContext,
  _discover,
  _oauthClient,
  _requestOptions,
} from "./_client-context.ts"
import { _mapError } from "./_map-error.ts"
import { _parsePastedCallback } from "./_parse-pasted-callback.ts"
import { _randomToken } from "./_random.ts"
import { _timingSafeEqual } from "./_timing-safe-equal.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import { generatePkce } from "./pkce.ts"
import { _toTokenSet, type TokenSet } from "./token-set.ts"

/**
 * One authorization code + PKCE sign-in in progress: the URL to open and the redirect URI it returns to. Its
 * secrets (`state`, `nonce`, code verifier) stay inside the client and are never enumerable or printed.
 */
export interface AuthorizationRequest {
  /** The authorization URL to open in a browser. */
  readonly url: string
  /** The redirect URI the provider will send the authorization response to. */
  readonly redirectUri: string
}

/** Options of `OAuthClient.createAuthorizationRequest`. */
export interface CreateAuthorizationRequestOptions {
  /** Where the provider sends the authorization response, e.g. `http://127.0.0.1:53121/callback`. */
  redirectUri: string
  /** Space-separated scopes; defaults to the client's scope. A `nonce` is sent whenever `openid` is among them. */
  scope?: string
  /** Extra authorization parameters (`prompt`, `login_hint`, `audience`, …); protocol parameters cannot be overridden. */
  parameters?: Record<string, string>
  signal?: AbortSignal
}

interface Secrets {
  state: string
  nonce: string | undefined
  codeVerifier: string
  used: boolean
}

const secrets = new WeakMap<AuthorizationRequest, Secrets>()

const PROTOCOL_PARAMETERS = new Set([
  "client_id",
  "response_type",
  "redirect_uri",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
])

export async function _createAuthorizationRequest(
  ctx: _ClientContext,
  options: CreateAuthorizationRequestOptions,
): Promise<AuthorizationRequest> {
  const redirectUri = _assertSecureEndpoint(options.redirectUri, "redirect URI").href
  for (const key of Object.keys(options.parameters ?? {})) {
    if (PROTOCOL_PARAMETERS.has(key)) {
      throw new OAuthPkceError(
        OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
        `The authorization parameter "${key}" is set by the protocol and cannot be overridden; remove it from parameters.`,
      )
    }
  }
  const as = await _discover(ctx, options.signal)
  if (!as.authorization_endpoint) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.UNSUPPORTED,
      `The provider at ${ctx.issuer} advertises no authorization_endpoint; use the device sign-in if it offers one.`,
    )
  }
  const methods = as.code_challenge_methods_supported
  if (methods !== undefined && !methods.includes("S256")) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.UNSUPPORTED,
      `The provider at ${ctx.issuer} does not support PKCE with S256 (it lists ${JSON.stringify(methods)}); keyrelay never falls back to "plain".`,
    )
  }
  const scope = options.scope ?? ctx.scope
  const { codeVerifier, codeChallenge } = await generatePkce({ randomBytes: ctx.randomBytes })
  const state = _randomToken(ctx.randomBytes)
  const nonce = scope.split(" ").includes("openid") ? _randomToken(ctx.randomBytes) : undefined

  const url = new URL(as.authorization_endpoint)
  for (const [key, value] of Object.entries(options.parameters ?? {})) url.searchParams.set(key, value)
  url.searchParams.set("client_id", ctx.clientId)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("redirect_uri", redirectUri)
  url.searchParams.set("scope", scope)
  url.searchParams.set("state", state)
  if (nonce !== undefined) url.searchParams.set("nonce", nonce)
  url.searchParams.set("code_challenge", codeChallenge)
  url.searchParams.set("code_challenge_method", "S256")

  const request: AuthorizationRequest = Object.freeze({ url: url.href, redirectUri })
  secrets.set(request, { state, nonce, codeVerifier, used: false })
  return request
}

function toParameters(callback: string | URL | URLSearchParams): URLSearchParams {
  if (callback instanceof URLSearchParams) return callback
  if (callback instanceof URL) return callback.searchParams
  return _parsePastedCallback(callback)
}

/** Whether `callback` answers `request` (its `state` matches, compared in constant time). */
export function _matchesRequest(request: AuthorizationRequest, parameters: URLSearchParams): boolean {
  const secret = secrets.get(request)
  const state = parameters.get("state")
  return secret !== undefined && state !== null && _timingSafeEqual(state, secret.state)
}

export async function _completeAuthorizationRequest(
  ctx: _ClientContext,
  request: AuthorizationRequest,
  callback: string | URL | URLSearchParams,
  signal: AbortSignal | undefined,
): Promise<TokenSet> {
  const secret = secrets.get(request)
  if (!secret) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "This authorization request was not created by this client; call createAuthorizationRequest() first.",
    )
  }
  const parameters = toParameters(callback)
  if (!_matchesRequest(request, parameters)) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
      `The authorization response's state ${parameters.has("state") ? "does not match" : "is missing"}; it does not answer this sign-in. Start the sign-in again.`,
    )
  }
  if (secret.used) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.ALREADY_COMPLETED,
      "This sign-in already received its authorization response; an authorization code is exchanged only once.",
    )
  }
  secret.used = true

  const as = await _discover(ctx, signal)
  const client = _oauthClient(ctx)
  let validated: URLSearchParams
  try {
    validated = oauth.validateAuthResponse(as, client, parameters, oauth.skipStateCheck)
  } catch (error) {
    throw _mapError(error, "authorization response", ctx.issuer)
  }
  const endpoint = as.token_endpoint ?? ctx.issuer
  let response: Response
  let result: oauth.TokenEndpointResponse
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      validated,
      request.redirectUri,
      secret.codeVerifier,
      _requestOptions(ctx, endpoint, signal),
    )
    result = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      response,
      secret.nonce === undefined ? {} : { expectedNonce: secret.nonce, requireIdToken: true },
    )
  } catch (error) {
    throw _mapError(error, "token request", ctx.issuer)
  }
  await _verifyIdTokenSignature(ctx, as, response, result, signal)
  return _toTokenSet(result, ctx.now())
}

/** Checks the ID token's signature against the provider's JWKS, when the response has one and checking is on. */
export async function _verifyIdTokenSignature(
  ctx: _ClientContext,
  as: oauth.AuthorizationServer,
  response: Response,
  result: oauth.TokenEndpointResponse,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!ctx.verifyIdTokenSignature || result.id_token === undefined) return
  try {
    await oauth.validateApplicationLevelSignature(
      as,
      response,
      _requestOptions(ctx, as.jwks_uri ?? ctx.issuer, signal),
    )
  } catch (error) {
    throw _mapError(error, "ID token signature", ctx.issuer)
  }
}
