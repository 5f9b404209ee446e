import type * as oauth from "oauth4webapi"

/**
 * What a sign-in or a refresh returns: plain JSON-serialisable data, so a store can persist it as is. Every field
 * but `tokenType`, `expiresAt` and `scope` is a secret.
 */
export interface TokenSet {
  /** The provider's access token. */
  accessToken: string
  /** Lower-cased token type, normally `bearer`. */
  tokenType: string
  /** When the access token expires, epoch ms; absent when the provider did not say. */
  expiresAt?: number
  /** The refresh token; after a refresh without rotation, the one that was used. */
  refreshToken?: string
  /** The OIDC ID token, validated when it was received. */
  idToken?: string
  /** The granted scope, when the provider said. */
  scope?: string
}

/**
 * A token set as an identity-token provider keeps it: `idTokenSpent` records that `idToken` was already handed out
 * for an exchange and must not be handed out again.
 */
export interface StoredTokenSet extends TokenSet {
  /** Whether `idToken` has already been handed out (its `jti` may be used only once). */
  idTokenSpent?: boolean
}

/**
 * Where an identity-token provider keeps its tokens: account-store's account-scoped secret slot, or any store that
 * reads and writes one value. `load` is called after the lock is taken, `save` before it is released.
 */
export interface TokenStore {
  /** The stored tokens, or `undefined` when there are none (not signed in). */
  load(): Promise<StoredTokenSet | undefined>
  /** Replaces the stored tokens. */
  save(tokens: StoredTokenSet): Promise<void>
}

/** A token endpoint response in keyrelay's shape, with `expires_in` turned into an absolute time. */
export function _toTokenSet(
  response: oauth.TokenEndpointResponse,
  receivedAt: number,
  previousRefreshToken?: string,
): TokenSet {
  const tokens: TokenSet = { accessToken: response.access_token, tokenType: response.token_type }
  if (typeof response.expires_in === "number") tokens.expiresAt = receivedAt + response.expires_in * 1000
  const refreshToken = response.refresh_token ?? previousRefreshToken
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken
  if (response.id_token !== undefined) tokens.idToken = response.id_token
  if (response.scope !== undefined) tokens.scope = response.scope
  return tokens
}
