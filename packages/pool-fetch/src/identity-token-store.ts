import type { AccountStore } from "@keyrelay/account-store"
import type { StoredTokenSet, TokenStore } from "@keyrelay/oauth-pkce"

/**
 * The account token slot where a federation account with an `oauth` identity-token source keeps the tokens of the
 * user's sign-in to their own identity provider (`keyrelay login` writes it, pool-fetch reads and rotates it).
 */
export const IDENTITY_TOKEN_SLOT = "oidc-tokens"

/** The account token slot where a federation account's minted access token is shared by every process. */
export const ACCESS_TOKEN_SLOT = "access-token"

/**
 * An oauth-pkce `TokenStore` over an account's {@link IDENTITY_TOKEN_SLOT}: a sign-in is saved into it (prefer
 * `createFederationSignIn(...).save`, which checks the account), and the pool's identity-token provider reads and
 * rotates it under the store's lock. Values stay secrets in the store.
 *
 * @example
 * const stored = await identityTokenStore(store, account.id).load() // undefined until the account signed in
 */
export function identityTokenStore(store: AccountStore, accountId: string): TokenStore {
  return {
    async load() {
      const slot = await store.readTokenSlot(accountId, IDENTITY_TOKEN_SLOT)
      if (slot === undefined) return undefined
      try {
        const parsed = JSON.parse(slot.value.reveal()) as StoredTokenSet
        return typeof parsed === "object" && parsed !== null && typeof parsed.accessToken === "string"
          ? parsed
          : undefined
      } catch {
        return undefined
      }
    },
    async save(tokens) {
      await store.writeTokenSlot(accountId, IDENTITY_TOKEN_SLOT, {
        value: JSON.stringify(tokens),
        ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
      })
    },
  }
}
