import { type StartLoopbackSignInOptions, startLoopbackSignIn } from "./loopback-sign-in.ts"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, type OAuthPkceError } from "./oauth-pkce-error.ts"
import { openBrowser as defaultOpenBrowser } from "./open-browser.ts"
import type { TokenSet } from "./token-set.ts"

/** Options of {@link signIn}. */
export interface SignInOptions extends StartLoopbackSignInOptions {
  /** Opens the authorization URL; resolves whether a browser was launched. Defaults to {@link openBrowser}. */
  openBrowser?: (url: string) => Promise<boolean>
  /** Called once with the URL, so it can be shown in case no browser opened (or it opened on the wrong machine). */
  onAuthorizationUrl?: (info: { url: string; redirectUri: string; browserOpened: boolean }) => void
  /**
   * Reads what the user pastes (the redirect address from a browser on another machine). Called again after a
   * rejected paste; its `signal` aborts once the sign-in finished some other way. Without it, only the loopback
   * redirect completes the sign-in.
   */
  readPastedInput?: (signal: AbortSignal) => Promise<string>
  /** Told why a paste was refused (not an authorization response, or another sign-in's); the user may paste again. */
  onPastedInputRejected?: (error: OAuthPkceError) => void
}

const RETRYABLE_PASTE = new Set<string>([
  OAUTH_PKCE_ERROR_CODES.PASTED_CODE_INVALID,
  OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
])

/**
 * Signs in with a browser: opens the authorization URL, then takes whichever answer comes first, the loopback
 * redirect on 127.0.0.1 or the redirect address the user pastes (for a browser on another machine). Node only; for
 * SSH sessions without port forwarding prefer `client.startDeviceAuthorization()`.
 *
 * @example
 * const tokens = await signIn({
 *   client,
 *   onAuthorizationUrl: ({ url }) => console.log(`Sign in at ${url}`),
 * })
 * @see RFC 8252 (OAuth 2.0 for native apps), RFC 7636 (PKCE)
 * @throws OAuthPkceError the codes of {@link startLoopbackSignIn} and `completeAuthorizationRequest`.
 */
export async function signIn(options: SignInOptions): Promise<TokenSet> {
  const session = await startLoopbackSignIn(options)
  const stopReading = new AbortController()
  try {
    let browserOpened = false
    try {
      browserOpened = await (options.openBrowser ?? defaultOpenBrowser)(session.url)
    } catch {
      browserOpened = false
    }
    options.onAuthorizationUrl?.({ url: session.url, redirectUri: session.redirectUri, browserOpened })
    const read = options.readPastedInput
    if (!read) return await session.result

    const pasted = (async (): Promise<TokenSet> => {
      for (;;) {
        let text: string
        try {
          text = await read(stopReading.signal)
        } catch {
          // No more input (closed stdin, cancelled prompt): keep waiting for the loopback redirect alone.
          return session.result
        }
        try {
          return await session.complete(text)
        } catch (error) {
          if (!isOAuthPkceError(error) || !RETRYABLE_PASTE.has(error.code)) throw error
          options.onPastedInputRejected?.(error)
        }
      }
    })()
    pasted.catch(() => undefined)
    return await Promise.race([session.result, pasted])
  } finally {
    stopReading.abort()
    await session.close()
  }
}
