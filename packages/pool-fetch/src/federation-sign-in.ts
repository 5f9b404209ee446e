// A federation account's sign-in to the user's own identity provider (never Anthropic's or Claude's), as both the
// CLI (`keyrelay login`) and the OpenCode plugin drive it. The protocol is oauth-pkce's; what lives here is what
// keyrelay decides about it: the client from the account's `oauth` source, the parameters (consent, so the provider
// grants the refresh token that keeps the account working; the source's audience and extra parameters), the
// errors, and where the tokens go. oauth-pkce is loaded at first use.
import type { Account, AccountStore } from "@keyrelay/account-store"
import type { OAuthPkceError, TokenSet } from "@keyrelay/oauth-pkce"
import { accountOf } from "./_account-of.ts"
import { loadOAuthPkce, oauthClientOf } from "./_oauth-pkce.ts"
import type { Sleep } from "./_sleep.ts"
import { keyrelayUserAgent } from "./_user-agent.ts"
import { identityTokenStore } from "./identity-token-store.ts"
import { POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"

export type { TokenSet }

/** A federation account's identity-token source when it is a sign-in to the user's own identity provider. */
export type OAuthIdentityToken = Extract<
  Extract<Account["credential"], { kind: "federation" }>["identityToken"],
  { source: "oauth" }
>

/**
 * The scopes a federation sign-in asks for unless the account names others: an ID token (`openid`, the token that is
 * exchanged) and a refresh token (`offline_access`) to get fresh ones without signing in again.
 */
export const DEFAULT_FEDERATION_SCOPES: readonly string[] = Object.freeze(["openid", "offline_access"])

/** Options of {@link createFederationSignIn}. */
export interface FederationSignInOptions {
  /** The account's identity-token source (`source: "oauth"`): issuer, public client id, scopes, audience, extra parameters. */
  identityToken: OAuthIdentityToken
  /** The fetch that reaches the identity provider; default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number
  /** How the device sign-in waits between polls; default a timer. For tests with a fake clock. */
  sleep?: Sleep
  /** The host as a user-agent product (`opencode`, `keyrelay-cli/1.0.0`), sent before `keyrelay/<version>`. */
  host?: string
}

/** Options of {@link FederationSignIn.start}. */
export interface FederationBrowserOptions {
  /** Open the system browser at the authorization URL (default `true`), or a function that opens it and says whether it did. */
  openBrowser?: boolean | ((url: string) => Promise<boolean>)
  /** How long to wait for the authorization response, in ms (default 300 000). */
  timeoutMs?: number
  /** Cancels the sign-in. */
  signal?: AbortSignal
}

/** A started browser sign-in: the loopback redirect or a pasted address completes it, whichever comes first. */
export interface FederationBrowserSignIn {
  /** The authorization URL at the identity provider. */
  readonly url: string
  /** Where the provider redirects the browser: `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string
  /** Whether a browser was opened at `url`. */
  readonly browserOpened: boolean
  /** The tokens once the browser reaches the loopback redirect. @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED` */
  readonly result: Promise<TokenSet>
  /**
   * Completes the sign-in with the address the browser ended on (`http://127.0.0.1:…/callback?code=…&state=…`), for a
   * browser on another machine. @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED`
   */
  complete(pasted: string): Promise<TokenSet>
  /** Stops listening on 127.0.0.1; a sign-in still waiting fails. */
  close(): Promise<void>
}

/** Options of {@link FederationSignIn.signIn}: a start, shown to the user, and pasted addresses read from them. */
export interface FederationInteractiveOptions extends FederationBrowserOptions {
  /** Told the authorization URL once (to show it in case no browser opened, or on the wrong machine). */
  onAuthorizationUrl?: (info: { url: string; redirectUri: string; browserOpened: boolean }) => void
  /** Reads what the user pastes; called again after a rejected paste; its signal aborts once the sign-in is done. */
  readPastedInput?: (signal: AbortSignal) => Promise<string>
  /** Told why a paste was refused (not the address of this sign-in); the user may paste again. */
  onPastedInputRejected?: (error: Error) => void
}

/** A device sign-in in progress (RFC 8628): show `userCode` and `verificationUri`, then `poll()`. */
export interface FederationDeviceSignIn {
  /** The code the user types at `verificationUri`. */
  readonly userCode: string
  /** Where the user goes, on any device, to approve the sign-in. */
  readonly verificationUri: string
  /** The verification URI with the code filled in, when the provider offers one. */
  readonly verificationUriComplete: string | undefined
  /** When the device code expires, epoch ms. */
  readonly expiresAt: number
  /** Waits until the user approves (the tokens), denies or lets the code expire. @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED` */
  poll(options?: { signal?: AbortSignal }): Promise<TokenSet>
}

/** What was saved for an account, without a secret: for telling the user who signed in and for how long. */
export interface FederationSignInSaved {
  /** The ID token's `sub` (who signed in), when there is an ID token. */
  readonly subject: string | undefined
  /** Whether the provider granted a refresh token (without one, the account needs a new sign-in when this one expires). */
  readonly refreshToken: boolean
  /** When the provider's access token expires, epoch ms, when it said. */
  readonly expiresAt: number | undefined
}

/** The sign-in of one `oauth` identity-token source. Made by {@link createFederationSignIn}. */
export interface FederationSignIn {
  /** The identity provider's issuer. */
  readonly issuer: string
  /**
   * Starts a browser sign-in (authorization code + PKCE, loopback redirect on 127.0.0.1) with the source's scopes,
   * `prompt=consent`, its audience and extra parameters; opens the browser unless told not to.
   * @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED` (discovery failed, 127.0.0.1 cannot be listened on, …)
   */
  start(options?: FederationBrowserOptions): Promise<FederationBrowserSignIn>
  /**
   * The whole browser sign-in for a terminal: {@link FederationSignIn.start}, then the first of the loopback redirect
   * and an accepted pasted address. @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED`
   */
  signIn(options?: FederationInteractiveOptions): Promise<TokenSet>
  /**
   * Starts a device sign-in (RFC 8628) with the source's scopes, audience and extra parameters, for a machine
   * without a browser. @throws {PoolFetchError} `ERR_POOL_SIGN_IN_FAILED`
   */
  startDevice(options?: { signal?: AbortSignal }): Promise<FederationDeviceSignIn>
  /**
   * Saves a finished sign-in's tokens for a federation account signing in with this provider (its identity-token
   * slot, where the pool reads and rotates them); the account's next request exchanges a fresh ID token.
   * @throws {PoolFetchError} `ERR_POOL_ACCOUNT_NOT_FOUND`; `ERR_POOL_INVALID_OPTIONS` when the account does not sign
   * in with this issuer and client.
   */
  save(store: AccountStore, accountId: string, tokens: TokenSet): Promise<FederationSignInSaved>
}

const loopbackParameters = (parameters: Record<string, string>): Record<string, string> => ({
  // Many providers (Okta, oidc-provider) grant the refresh token that keeps the account working only with consent.
  prompt: "consent",
  ...parameters,
})

function opener(
  option: FederationBrowserOptions["openBrowser"],
): ((url: string) => Promise<boolean>) | undefined {
  if (option === false) return async () => false
  return typeof option === "function" ? option : undefined
}

/**
 * Signs a workload identity federation account's user in to their own identity provider (the account's `oauth`
 * identity-token source) and saves the tokens where the pool uses them: a browser sign-in completed by the loopback
 * redirect or a pasted address, or a device sign-in. The `keyrelay login` command and the OpenCode plugin's
 * federation method are thin callers of this. Never Anthropic's or Claude's sign-in: the issuer is the user's.
 *
 * @example
 * ```ts
 * const source = account.credential.identityToken // { source: "oauth", issuer, clientId, scopes }
 * const signIn = createFederationSignIn({ identityToken: source, host: "my-app/1.0" })
 * const tokens = await signIn.signIn({ onAuthorizationUrl: ({ url }) => console.log(`Sign in at ${url}`) })
 * const { subject } = await signIn.save(store, account.id, tokens)
 * ```
 * @see RFC 8252 (loopback redirect), RFC 7636 (PKCE), RFC 8628 (device grant), OpenID Connect Core 1.0 §3.1.2.1 (`prompt`)
 * @throws {PoolFetchError} `ERR_POOL_INVALID_OPTIONS` when `identityToken` is not an `oauth` source with an issuer and a client id.
 */
export function createFederationSignIn(options: FederationSignInOptions): FederationSignIn {
  const source = options?.identityToken
  if (
    source?.source !== "oauth" ||
    typeof source.issuer !== "string" ||
    source.issuer === "" ||
    typeof source.clientId !== "string" ||
    source.clientId === "" ||
    !Array.isArray(source.scopes)
  )
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
      'createFederationSignIn: `identityToken` must be a federation account\'s oauth source ({ source: "oauth", issuer, clientId, scopes }).',
    )
  const { issuer } = source
  const parameters: Record<string, string> = {
    ...(source.audience ? { audience: source.audience } : {}),
    ...source.extraParams,
  }
  const context = {
    fetch: options.fetch,
    now: options.now,
    sleep: options.sleep,
    userAgent: keyrelayUserAgent(options.host),
  }

  const failed = async (error: unknown): Promise<never> => {
    const { isOAuthPkceError } = await loadOAuthPkce()
    if (!isOAuthPkceError(error)) throw error
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.SIGN_IN_FAILED,
      `Sign-in to ${issuer} did not complete: ${(error as OAuthPkceError).message}`,
      { cause: error },
    )
  }
  const guarded = <T>(work: () => Promise<T>): Promise<T> => work().catch(failed)

  return {
    issuer,
    start: (browser = {}) =>
      guarded(async () => {
        const { startLoopbackSignIn, openBrowser } = await loadOAuthPkce()
        const session = await startLoopbackSignIn({
          client: await oauthClientOf(source, context),
          parameters: loopbackParameters(parameters),
          ...(browser.timeoutMs === undefined ? {} : { timeoutMs: browser.timeoutMs }),
          ...(browser.signal === undefined ? {} : { signal: browser.signal }),
        })
        const open = opener(browser.openBrowser) ?? ((url: string) => openBrowser(url))
        const browserOpened = await Promise.resolve()
          .then(() => open(session.url))
          .catch(() => false)
        const result = session.result.catch(failed)
        result.catch(() => undefined)
        return {
          url: session.url,
          redirectUri: session.redirectUri,
          browserOpened,
          result,
          complete: (pasted: string) => guarded(() => session.complete(pasted)),
          close: () => session.close(),
        }
      }),
    signIn: (interactive = {}) =>
      guarded(async () => {
        const { signIn } = await loadOAuthPkce()
        const open = opener(interactive.openBrowser)
        return signIn({
          client: await oauthClientOf(source, context),
          parameters: loopbackParameters(parameters),
          ...(open === undefined ? {} : { openBrowser: open }),
          ...(interactive.timeoutMs === undefined ? {} : { timeoutMs: interactive.timeoutMs }),
          ...(interactive.signal === undefined ? {} : { signal: interactive.signal }),
          ...(interactive.onAuthorizationUrl === undefined
            ? {}
            : { onAuthorizationUrl: interactive.onAuthorizationUrl }),
          ...(interactive.readPastedInput === undefined
            ? {}
            : { readPastedInput: interactive.readPastedInput }),
          ...(interactive.onPastedInputRejected === undefined
            ? {}
            : { onPastedInputRejected: interactive.onPastedInputRejected }),
        })
      }),
    startDevice: (device = {}) =>
      guarded(async () => {
        const client = await oauthClientOf(source, context)
        const started = await client.startDeviceAuthorization({
          parameters,
          ...(device.signal === undefined ? {} : { signal: device.signal }),
        })
        return {
          userCode: started.userCode,
          verificationUri: started.verificationUri,
          verificationUriComplete: started.verificationUriComplete,
          expiresAt: started.expiresAt,
          poll: (poll?: { signal?: AbortSignal }) => guarded(() => started.poll(poll)),
        }
      }),
    async save(store, accountId, tokens) {
      const account = accountOf(store, accountId)
      const own = account.credential.kind === "federation" ? account.credential.identityToken : undefined
      if (own?.source !== "oauth" || own.issuer !== issuer || own.clientId !== source.clientId)
        throw new PoolFetchError(
          POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
          `Account "${account.label}" does not sign in with ${issuer} (client ${source.clientId}), so this sign-in is not saved for it.`,
        )
      await identityTokenStore(store, accountId).save({ ...tokens, idTokenSpent: false })
      let subject: string | undefined
      if (tokens.idToken !== undefined) {
        try {
          const { readIdTokenClaims } = await loadOAuthPkce()
          const sub = readIdTokenClaims(tokens.idToken).sub
          subject = typeof sub === "string" && sub !== "" ? sub : undefined
        } catch {
          // An ID token that does not decode names nobody; the sign-in itself was validated when it was received.
        }
      }
      return { subject, refreshToken: tokens.refreshToken !== undefined, expiresAt: tokens.expiresAt }
    },
  }
}
