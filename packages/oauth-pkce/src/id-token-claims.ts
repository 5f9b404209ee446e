import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

/** The registered claims of an ID token that keyrelay reads, plus whatever else the provider put in it. */
export interface IdTokenClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  iat?: number
  jti?: string
  nonce?: string
  email?: string
  [claim: string]: unknown
}

/** The JOSE header of an ID token: the fields the federation exchange checks. */
export interface IdTokenHeader {
  alg?: string
  kid?: string
  typ?: string
  [parameter: string]: unknown
}

function decodePart(part: string | undefined): Record<string, unknown> {
  if (!part) throw new Error("missing part")
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/")
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object")
  return value as Record<string, unknown>
}

/** The decoded header and claims of a compact JWS, without checking anything. */
export function _decodeJwt(token: string): { header: IdTokenHeader; claims: IdTokenClaims } {
  const parts = token.split(".")
  try {
    if (parts.length !== 3) throw new Error("not three parts")
    return { header: decodePart(parts[0]) as IdTokenHeader, claims: decodePart(parts[1]) as IdTokenClaims }
  } catch (cause) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID,
      "The ID token is not a well-formed signed JWT; sign in again.",
      { cause },
    )
  }
}

/**
 * Reads the claims of an ID token for display (who signed in, when it expires). It does not validate: this package
 * validated the token when it received it.
 *
 * @example
 * const { sub, email } = readIdTokenClaims(tokens.idToken)
 * @see OpenID Connect Core 1.0 §2
 * @throws OAuthPkceError `ERR_OAUTH_ID_TOKEN_INVALID` when the value is not a compact JWS.
 */
export function readIdTokenClaims(idToken: string): IdTokenClaims {
  return _decodeJwt(idToken).claims
}
