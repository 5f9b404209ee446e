import * as oauth from "oauth4webapi"
import { type _ClientContext, _discover, _oauthClient, _requestOptions } from "./_client-context.ts"
import { _mapError } from "./_map-error.ts"
import { _verifyIdTokenSignature } from "./authorization-request.ts"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import { _toTokenSet, type TokenSet } from "./token-set.ts"

/** Options of `OAuthClient.startDeviceAuthorization`. */
export interface StartDeviceAuthorizationOptions {
  /** Space-separated scopes; defaults to the client's scope. */
  scope?: string
  /** Extra parameters for the device authorization request (`audience`, …). */
  parameters?: Record<string, string>
  signal?: AbortSignal
}

/**
 * A device sign-in in progress: show `userCode` and `verificationUri` to the user, then `poll()` until they approve
 * it on another device.
 */
export interface DeviceAuthorization {
  /** The code the user types at `verificationUri`. */
  readonly userCode: string
  /** Where the user goes, on any device, to approve the sign-in. */
  readonly verificationUri: string
  /** The verification URI with the code filled in, when the provider offers one (for a QR code or a link). */
  readonly verificationUriComplete: string | undefined
  /** When the device code expires, epoch ms. */
  readonly expiresAt: number
  /** Polls the token endpoint until the user approves, denies, or the code expires; calling it again joins the same poll. */
  poll(options?: { signal?: AbortSignal }): Promise<TokenSet>
}

/** RFC 8628 §3.2: a missing interval means 5 seconds; §3.5: `slow_down` adds 5 seconds for good. */
const DEFAULT_INTERVAL_S = 5
const SLOW_DOWN_S = 5
const MAX_BACKOFF_S = 60

export async function _startDeviceAuthorization(
  ctx: _ClientContext,
  options: StartDeviceAuthorizationOptions = {},
): Promise<DeviceAuthorization> {
  const as = await _discover(ctx, options.signal)
  if (!as.device_authorization_endpoint) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.UNSUPPORTED,
      `The provider at ${ctx.issuer} does not offer the device authorization grant (no device_authorization_endpoint); sign in with a browser or a pasted code instead.`,
    )
  }
  const client = _oauthClient(ctx)
  const parameters = new URLSearchParams(options.parameters)
  parameters.set("scope", options.scope ?? ctx.scope)
  let started: oauth.DeviceAuthorizationResponse
  try {
    const response = await oauth.deviceAuthorizationRequest(
      as,
      client,
      oauth.None(),
      parameters,
      _requestOptions(ctx, as.device_authorization_endpoint, options.signal),
    )
    started = await oauth.processDeviceAuthorizationResponse(as, client, response)
  } catch (error) {
    throw _mapError(error, "device authorization", ctx.issuer)
  }
  const expiresAt = ctx.now() + started.expires_in * 1000
  const deviceCode = started.device_code
  let interval = started.interval ?? DEFAULT_INTERVAL_S
  let polling: Promise<TokenSet> | undefined

  const expired = () =>
    new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.DEVICE_CODE_EXPIRED,
      `The device code expired before it was approved at ${ctx.issuer}. Start the device sign-in again.`,
    )

  const aborted = () =>
    new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.ABORTED, `The device sign-in at ${ctx.issuer} was cancelled.`)

  async function pollUntilDone(signal: AbortSignal | undefined): Promise<TokenSet> {
    for (;;) {
      if (signal?.aborted) throw aborted()
      const left = expiresAt - ctx.now()
      if (left <= 0) throw expired()
      try {
        await ctx.sleep(Math.min(interval * 1000, left), signal)
      } catch (error) {
        throw _mapError(error, "device token request", ctx.issuer)
      }
      if (signal?.aborted) throw aborted()
      if (expiresAt - ctx.now() <= 0) throw expired()
      let response: Response
      let result: oauth.TokenEndpointResponse
      try {
        response = await oauth.deviceCodeGrantRequest(
          as,
          _oauthClient(ctx),
          oauth.None(),
          deviceCode,
          _requestOptions(ctx, as.token_endpoint ?? ctx.issuer, signal),
        )
        result = await oauth.processDeviceCodeResponse(as, _oauthClient(ctx), response)
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError && error.error === "authorization_pending") continue
        if (error instanceof oauth.ResponseBodyError && error.error === "slow_down") {
          interval += SLOW_DOWN_S
          continue
        }
        const mapped = _mapError(error, "device token request", ctx.issuer)
        // RFC 8628 §3.5: on a connection timeout, back off exponentially and keep polling.
        if (
          isOAuthPkceError(mapped) &&
          (mapped.code === "ERR_OAUTH_NETWORK" || mapped.code === "ERR_OAUTH_TIMEOUT")
        ) {
          if (signal?.aborted) throw aborted()
          interval = Math.min(interval * 2, MAX_BACKOFF_S)
          continue
        }
        throw mapped
      }
      await _verifyIdTokenSignature(ctx, as, response, result, signal)
      return _toTokenSet(result, ctx.now())
    }
  }

  return Object.freeze({
    userCode: started.user_code,
    verificationUri: started.verification_uri,
    verificationUriComplete: started.verification_uri_complete,
    expiresAt,
    poll(pollOptions: { signal?: AbortSignal } = {}) {
      polling ??= pollUntilDone(pollOptions.signal)
      return polling
    },
  })
}
