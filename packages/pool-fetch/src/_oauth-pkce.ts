// @keyrelay/oauth-pkce (and oauth4webapi under it) is needed only by federation accounts whose identity token comes
// from a sign-in to the user's own identity provider, and by that sign-in; every other pool never loads it. This is
// the one place pool-fetch loads it, at first use.
import type * as OAuthPkce from "@keyrelay/oauth-pkce"
import type { Sleep } from "./_sleep.ts"
import type { OAuthIdentityToken } from "./federation-sign-in.ts"

let loading: Promise<typeof OAuthPkce> | undefined

/** Loads `@keyrelay/oauth-pkce` once; a failed load is retried by the next call. */
export function loadOAuthPkce(): Promise<typeof OAuthPkce> {
  loading ??= import("@keyrelay/oauth-pkce")
  const pending = loading
  pending.catch(() => {
    if (loading === pending) loading = undefined
  })
  return pending
}

/** The OAuth client of an `oauth` identity-token source: its issuer, its public client id, its scopes. */
export async function oauthClientOf(
  source: OAuthIdentityToken,
  context: {
    fetch?: typeof fetch | undefined
    now?: (() => number) | undefined
    sleep?: Sleep | undefined
    userAgent: string
  },
): Promise<OAuthPkce.OAuthClient> {
  const { createOAuthClient } = await loadOAuthPkce()
  return createOAuthClient({
    issuer: source.issuer,
    clientId: source.clientId,
    scope: source.scopes.join(" "),
    userAgent: context.userAgent,
    ...(context.fetch === undefined ? {} : { fetch: context.fetch }),
    ...(context.now === undefined ? {} : { now: context.now }),
    ...(context.sleep === undefined ? {} : { sleep: context.sleep }),
  })
}
