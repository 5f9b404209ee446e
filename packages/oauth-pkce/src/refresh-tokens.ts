import * as oauth from "oauth4webapi"
import { type _ClientContext, _discover, _oauthClient, _requestOptions } from "./_client-context.ts"
import { _mapError } from "./_map-error.ts"
import { _verifyIdTokenSignature } from "./authorization-request.ts"
import { readIdTokenClaims } from "./id-token-claims.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import { _toTokenSet, type TokenSet } from "./token-set.ts"

/** Options of `OAuthClient.refresh`. */
export interface RefreshOptions {
  signal?: AbortSignal
  /** Ask for a narrower scope than was granted (RFC 6749 §6). */
  scope?: string
  /**
   * The ID token of the previous set: a new ID token must name the same subject (OpenID Connect Core §12.2).
   */
  previousIdToken?: string
  /**
   * Called with the new refresh token when the provider rotated it but the response is then rejected (an ID token
   * that fails validation), so the caller can still keep it: the old one is already spent.
   */
  keepRotatedRefreshToken?: (refreshToken: string) => Promise<void>
}

async function rotatedRefreshToken(raw: Response, used: string): Promise<string | undefined> {
  try {
    const body = (await raw.json()) as { refresh_token?: unknown }
    return typeof body.refresh_token === "string" && body.refresh_token !== used
      ? body.refresh_token
      : undefined
  } catch {
    return undefined
  }
}

export async function _refresh(
  ctx: _ClientContext,
  refreshToken: string,
  options: RefreshOptions = {},
): Promise<TokenSet> {
  const as = await _discover(ctx, options.signal)
  const client = _oauthClient(ctx)
  const parameters = options.scope === undefined ? undefined : { scope: options.scope }
  let response: Response
  try {
    response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, {
      ..._requestOptions(ctx, as.token_endpoint ?? ctx.issuer, options.signal),
      ...(parameters && { additionalParameters: parameters }),
    })
  } catch (error) {
    throw _mapError(error, "refresh", ctx.issuer)
  }
  const raw = response.ok ? response.clone() : undefined
  try {
    let result: oauth.TokenEndpointResponse
    try {
      result = await oauth.processRefreshTokenResponse(as, client, response)
    } catch (error) {
      throw _mapError(error, "refresh", ctx.issuer)
    }
    await _verifyIdTokenSignature(ctx, as, response, result, options.signal)
    if (result.id_token !== undefined && options.previousIdToken !== undefined) {
      const before = readIdTokenClaims(options.previousIdToken).sub
      if (readIdTokenClaims(result.id_token).sub !== before) {
        throw new OAuthPkceError(
          OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID,
          `The refreshed ID token from ${ctx.issuer} names a different subject than the signed-in one; sign in again.`,
        )
      }
    }
    return _toTokenSet(result, ctx.now(), refreshToken)
  } catch (error) {
    const rotated =
      raw && options.keepRotatedRefreshToken ? await rotatedRefreshToken(raw, refreshToken) : undefined
    if (rotated !== undefined) await options.keepRotatedRefreshToken?.(rotated)
    throw error
  }
}
