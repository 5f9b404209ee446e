import { _defaultSleep, type Sleep } from "./_client-context.ts"
import { _timingSafeEqual } from "./_timing-safe-equal.ts"
import type { OAuthClient } from "./create-oauth-client.ts"
import { _decodeJwt, type IdTokenClaims, type IdTokenHeader } from "./id-token-claims.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import type { StoredTokenSet, TokenStore } from "./token-set.ts"

/**
 * Hands out an OIDC ID token that has never been handed out before, for one jwt-bearer exchange. Shaped like the
 * official SDK's `IdentityTokenProvider` (`() => string | Promise<string>`), so it can be passed straight to
 * `oidcFederationProvider({ identityTokenProvider })`.
 */
export type IdentityTokenProvider = () => Promise<string>

/** Runs `fn` while holding a lock shared by every process that uses the same token store. */
export type WithLock = <T>(fn: () => Promise<T>) => Promise<T>

/** Options of {@link createIdentityTokenProvider}. */
export interface IdentityTokenProviderOptions {
  /** The client of the identity provider the user signed in to. */
  client: OAuthClient
  /** Where the tokens live (account-store's account-scoped secret slot). Read after locking, written before unlocking. */
  store: TokenStore
  /**
   * The cross-process lock (account-store's `withLock`). Without it only this process is coordinated: then no other
   * process may use the same store.
   */
  withLock?: WithLock
  /**
   * A stored, never-handed-out ID token is used only while it has at least this long left (default 300 s, at least
   * 60); otherwise a refresh mints a new one. The exchanged access token lives at most twice the ID token's
   * remaining lifetime, so this keeps it clear of the SDK's 120 s advisory refresh window.
   */
  minRemainingSeconds?: number
  /** Clock in epoch ms; defaults to `Date.now`. */
  now?: () => number
  /** How the provider waits before asking again for an ID token that was not fresh; defaults to a timer. */
  sleep?: Sleep
}

/** Below this, an ID token is never handed out: the exchange allows 30 s of skew and mints at least 60 s tokens. */
const MIN_USABLE_MS = 60_000
/** Extra refreshes when the provider returns an ID token identical to the spent one (no `jti`, same second). */
const FRESHNESS_RETRIES = 2
/** The jwt-bearer exchange takes asymmetric signatures only (reference §4, "JWT checks applied at exchange"). */
const EXCHANGE_ALGORITHMS = new Set([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
])
const MAX_ASSERTION_BYTES = 16 * 1024

function unsuitable(reason: string): OAuthPkceError {
  return new OAuthPkceError(
    OAUTH_PKCE_ERROR_CODES.ID_TOKEN_UNSUITABLE,
    `The identity provider's ID token cannot be used for workload identity federation: ${reason}.`,
  )
}

function assertExchangeable(idToken: string, header: IdTokenHeader, claims: IdTokenClaims): void {
  if (typeof header.kid !== "string" || header.kid === "")
    throw unsuitable("its header has no kid; configure the provider to name its signing key")
  if (typeof header.alg !== "string" || !EXCHANGE_ALGORITHMS.has(header.alg))
    throw unsuitable(
      `it is signed with ${String(header.alg)}; the exchange takes only RS, PS or ES 256/384/512`,
    )
  if (typeof claims.sub !== "string" || typeof claims.iat !== "number" || typeof claims.exp !== "number")
    throw unsuitable("it lacks sub, iat or exp")
  if (idToken.length > MAX_ASSERTION_BYTES) throw unsuitable("it is larger than the 16 KiB assertion limit")
}

/** Whether two ID tokens are the same one as far as replay protection goes: same `jti`, or same bytes without one. */
function sameToken(a: string, b: string | undefined): boolean {
  if (b === undefined) return false
  const jtiA = _decodeJwt(a).claims.jti
  const jtiB = _decodeJwt(b).claims.jti
  if (typeof jtiA === "string" && typeof jtiB === "string") return _timingSafeEqual(jtiA, jtiB)
  return _timingSafeEqual(a, b)
}

/**
 * Creates a provider of fresh OIDC ID tokens for workload identity federation: every call returns an ID token that
 * no earlier call returned (the exchange rejects a reused `jti`), refreshing with rotation when needed. Calls are
 * serialised in the process and, with `withLock`, across processes: tokens are re-read after locking and a rotated
 * refresh token is saved before the lock is released, so no refresh token is ever used twice.
 *
 * @example
 * const identityTokenProvider = createIdentityTokenProvider({ client, store, withLock })
 * const jwt = await identityTokenProvider() // pass the provider to the SDK's oidcFederationProvider
 * @see reference/anthropic-api.md §4 "Workload Identity Federation"; RFC 7523 §3; OpenID Connect Core §12.2
 * @throws OAuthPkceError `ERR_OAUTH_SIGN_IN_REQUIRED` when nothing usable is stored, `ERR_OAUTH_INVALID_GRANT`
 * when the refresh token is dead, `ERR_OAUTH_ID_TOKEN_MISSING` when a refresh brings no ID token,
 * `ERR_OAUTH_ID_TOKEN_UNSUITABLE` when the ID token cannot be exchanged, and any code of `OAuthClient.refresh`.
 */
export function createIdentityTokenProvider(options: IdentityTokenProviderOptions): IdentityTokenProvider {
  const { client, store } = options
  if (!client || typeof client.refresh !== "function") {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "createIdentityTokenProvider needs the OAuthClient of the identity provider (createOAuthClient).",
    )
  }
  if (!store || typeof store.load !== "function" || typeof store.save !== "function") {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "createIdentityTokenProvider needs a token store with load() and save().",
    )
  }
  const minRemainingMs = (options.minRemainingSeconds ?? 300) * 1000
  if (!Number.isFinite(minRemainingMs) || minRemainingMs < MIN_USABLE_MS) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "minRemainingSeconds must be at least 60.",
    )
  }
  const withLock: WithLock = options.withLock ?? ((fn) => fn())
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? _defaultSleep

  async function handOut(tokens: StoredTokenSet & { idToken: string }): Promise<string> {
    await store.save({ ...tokens, idTokenSpent: true })
    return tokens.idToken
  }

  async function next(): Promise<string> {
    const stored = await store.load()
    if (!stored) {
      throw new OAuthPkceError(
        OAUTH_PKCE_ERROR_CODES.SIGN_IN_REQUIRED,
        `No tokens are stored for ${client.issuer}; sign in first.`,
      )
    }
    if (stored.idToken !== undefined && stored.idTokenSpent !== true) {
      const { header, claims } = _decodeJwt(stored.idToken)
      if (typeof claims.exp === "number" && claims.exp * 1000 - now() >= minRemainingMs) {
        assertExchangeable(stored.idToken, header, claims)
        return handOut({ ...stored, idToken: stored.idToken })
      }
    }
    if (stored.refreshToken === undefined) {
      throw new OAuthPkceError(
        OAUTH_PKCE_ERROR_CODES.SIGN_IN_REQUIRED,
        `No refresh token is stored for ${client.issuer} (the provider must grant offline_access); sign in again.`,
      )
    }

    let current: StoredTokenSet & { refreshToken: string } = { ...stored, refreshToken: stored.refreshToken }
    for (let attempt = 0; ; attempt++) {
      const before = current
      const refreshed = await client.refresh(before.refreshToken, {
        ...(before.idToken !== undefined && { previousIdToken: before.idToken }),
        keepRotatedRefreshToken: (refreshToken) =>
          store.save({ ...before, refreshToken, idTokenSpent: true }),
      })
      const rotated = { ...refreshed, refreshToken: refreshed.refreshToken ?? before.refreshToken }
      let fresh: boolean
      try {
        fresh = judge(rotated, before.idToken, attempt)
      } catch (error) {
        // The refresh token may have rotated: keep it whatever is wrong with the ID token.
        await store.save({ ...rotated, idTokenSpent: true })
        throw error
      }
      if (fresh) return handOut({ ...rotated, idToken: rotated.idToken as string })
      current = { ...rotated, idTokenSpent: true }
      await store.save(current)
      // Without a jti, two ID tokens minted in the same second are byte-identical: ask again in the next second.
      await sleep(1000 - (now() % 1000) + 100)
    }
  }

  /** Whether a refreshed set's ID token can be handed out (`false`: not fresh yet, ask again); throws if never. */
  function judge(refreshed: StoredTokenSet, spent: string | undefined, attempt: number): boolean {
    if (refreshed.idToken === undefined) {
      throw new OAuthPkceError(
        OAUTH_PKCE_ERROR_CODES.ID_TOKEN_MISSING,
        `A refresh at ${client.issuer} returned no ID token; the provider must issue ID tokens on refresh (scope openid) for federation.`,
      )
    }
    if (sameToken(refreshed.idToken, spent)) {
      if (attempt >= FRESHNESS_RETRIES)
        throw unsuitable("each refresh returns the ID token that was already used; give it a jti claim")
      return false
    }
    const { header, claims } = _decodeJwt(refreshed.idToken)
    if (typeof claims.exp !== "number" || claims.exp * 1000 - now() < MIN_USABLE_MS)
      throw unsuitable(
        "a freshly refreshed ID token expires within 60 s; lengthen the provider's ID token lifetime",
      )
    assertExchangeable(refreshed.idToken, header, claims)
    return true
  }

  let queue: Promise<unknown> = Promise.resolve()
  return () => {
    const run = queue.then(() => withLock(next))
    queue = run.catch(() => undefined)
    return run
  }
}
