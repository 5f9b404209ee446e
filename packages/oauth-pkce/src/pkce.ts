import { calculatePKCECodeChallenge } from "oauth4webapi"
import { _base64url, _defaultRandomBytes, type RandomBytes } from "./_random.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

/** A PKCE pair: the secret `codeVerifier` kept by the client, the `codeChallenge` sent in the authorization URL. */
export interface PkcePair {
  /** High-entropy secret, 43–128 characters of `[A-Za-z0-9-._~]`; sent only to the token endpoint. */
  codeVerifier: string
  /** `BASE64URL(SHA256(ASCII(codeVerifier)))`. */
  codeChallenge: string
  /** Always `S256`; `plain` is never offered. */
  codeChallengeMethod: "S256"
}

/** Options of {@link generatePkce}. */
export interface GeneratePkceOptions {
  /** Length of the verifier in characters, 43 (256 bits, the default) to 128. */
  verifierLength?: number
  /** Source of cryptographic randomness; defaults to `crypto.getRandomValues`. */
  randomBytes?: RandomBytes
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/**
 * Whether `value` is a valid PKCE code verifier: 43 to 128 characters from the unreserved set.
 *
 * @see RFC 7636 §4.1
 */
export function isValidCodeVerifier(value: string): boolean {
  return VERIFIER.test(value)
}

/**
 * Computes the S256 code challenge of a verifier.
 *
 * @example
 * await computeCodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
 * // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" (RFC 7636 Appendix B)
 * @see RFC 7636 §4.2
 * @throws OAuthPkceError `ERR_OAUTH_INVALID_OPTIONS` when the verifier is not valid per RFC 7636 §4.1.
 */
export async function computeCodeChallenge(codeVerifier: string): Promise<string> {
  if (!isValidCodeVerifier(codeVerifier)) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "The PKCE code verifier is not 43–128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1); generate one with generatePkce().",
    )
  }
  return calculatePKCECodeChallenge(codeVerifier)
}

/**
 * Generates a fresh PKCE pair with the S256 method.
 *
 * @example
 * const { codeVerifier, codeChallenge } = await generatePkce()
 * @see RFC 7636 §4.1, §4.2
 * @throws OAuthPkceError `ERR_OAUTH_INVALID_OPTIONS` when `verifierLength` is outside 43–128.
 */
export async function generatePkce(options: GeneratePkceOptions = {}): Promise<PkcePair> {
  const length = options.verifierLength ?? 43
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      `verifierLength must be an integer from 43 to 128 (RFC 7636 §4.1); got ${String(length)}.`,
    )
  }
  const randomBytes = options.randomBytes ?? _defaultRandomBytes
  // base64url of n bytes has ceil(4n/3) characters, all unreserved: draw the fewest bytes that give `length`
  // characters (32 bytes for 43, as in RFC 7636 Appendix B) and cut to exactly `length`.
  const bytes = Math.floor((3 * (length - 1)) / 4) + 1
  const codeVerifier = _base64url(randomBytes(bytes)).slice(0, length)
  return {
    codeVerifier,
    codeChallenge: await computeCodeChallenge(codeVerifier),
    codeChallengeMethod: "S256",
  }
}
