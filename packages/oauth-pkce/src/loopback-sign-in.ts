import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { _parsePastedCallback } from "./_parse-pasted-callback.ts"
import { _matchesRequest, type AuthorizationRequest } from "./authorization-request.ts"
import type { OAuthClient } from "./create-oauth-client.ts"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import type { TokenSet } from "./token-set.ts"

/** Options of {@link startLoopbackSignIn}. */
export interface StartLoopbackSignInOptions {
  /** The client of the provider to sign in to. */
  client: OAuthClient
  /** Space-separated scopes; defaults to the client's scope. */
  scope?: string
  /** Extra authorization parameters (`prompt`, `login_hint`, …). */
  parameters?: Record<string, string>
  /** Port on 127.0.0.1; 0 (the default) picks a free one, as RFC 8252 §7.3 expects. */
  port?: number
  /** Path of the redirect URI (default `/callback`). */
  callbackPath?: string
  /** How long to wait for the authorization response, in ms (default 300 000). */
  timeoutMs?: number
  /** Cancels the sign-in. */
  signal?: AbortSignal
}

/**
 * A browser sign-in waiting for its authorization response, which may arrive at the loopback listener or be pasted
 * by the user (`complete`); the first one that matches wins, any later one is refused.
 */
export interface LoopbackSignIn {
  /** The authorization URL to open in a browser. */
  readonly url: string
  /** The loopback redirect URI, `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string
  /** Settles with the tokens, or with the first failure (denied, timed out, closed). */
  readonly result: Promise<TokenSet>
  /** Finishes the sign-in with the redirect address the user pasted (for a browser on another machine). */
  complete(pasted: string): Promise<TokenSet>
  /** Stops listening; a sign-in still waiting fails with `ERR_OAUTH_ABORTED`. */
  close(): Promise<void>
}

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  connection: "close",
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  )
}

function page(res: ServerResponse, status: number, title: string, text: string, done?: () => void): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`
  res.writeHead(status, PAGE_HEADERS)
  res.end(body, done)
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
      server.off("error", reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/**
 * Starts a browser sign-in with authorization code + PKCE: listens on 127.0.0.1 (a free port by default), builds
 * the authorization URL with that loopback redirect URI, and waits for exactly one authorization response whose
 * `state` matches (compared in constant time), answering the browser with a plain confirmation page. Node only.
 *
 * @example
 * const signIn = await startLoopbackSignIn({ client })
 * console.log(`Open ${signIn.url}`)
 * const tokens = await signIn.result
 * @see RFC 8252 §7.3 (loopback redirect), RFC 7636 (PKCE), RFC 6749 §10.12 (state)
 * @throws OAuthPkceError `ERR_OAUTH_LOOPBACK_UNAVAILABLE` when 127.0.0.1 cannot be listened on, and the codes of
 * `createAuthorizationRequest`; `result` rejects with `ERR_OAUTH_TIMEOUT`, `ERR_OAUTH_ABORTED`,
 * `ERR_OAUTH_ACCESS_DENIED` or any code of `completeAuthorizationRequest`.
 */
export async function startLoopbackSignIn(options: StartLoopbackSignInOptions): Promise<LoopbackSignIn> {
  const { client } = options
  const callbackPath = options.callbackPath ?? "/callback"
  const timeoutMs = options.timeoutMs ?? 300_000
  if (!callbackPath.startsWith("/")) {
    throw new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS, 'callbackPath must start with "/".')
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS, "timeoutMs must be a positive number.")
  }
  if (options.signal?.aborted) {
    throw new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.ABORTED, "The sign-in was cancelled before it started.")
  }

  const server = createServer()
  let port: number
  try {
    port = await listen(server, options.port ?? 0)
  } catch (cause) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.LOOPBACK_UNAVAILABLE,
      `Could not listen on 127.0.0.1${options.port ? `:${options.port}` : ""} for the sign-in redirect. Free the port, or use the device sign-in.`,
      { cause },
    )
  }
  const redirectUri = `http://127.0.0.1:${port}${callbackPath}`
  let request: AuthorizationRequest
  try {
    request = await client.createAuthorizationRequest({
      redirectUri,
      ...(options.scope !== undefined && { scope: options.scope }),
      ...(options.parameters !== undefined && { parameters: options.parameters }),
      ...(options.signal !== undefined && { signal: options.signal }),
    })
  } catch (error) {
    server.close()
    throw error
  }

  let resolveResult!: (tokens: TokenSet) => void
  let rejectResult!: (error: unknown) => void
  const result = new Promise<TokenSet>((resolve, reject) => {
    resolveResult = resolve
    rejectResult = reject
  })
  // The caller may never await `result` (it completed by paste, or closed): that is not an unhandled rejection.
  result.catch(() => undefined)

  let claimed = false
  let settled = false
  let closed: Promise<void> | undefined

  function shutdown(): Promise<void> {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(timer)
      options.signal?.removeEventListener("abort", onAbort)
      server.close(() => resolve())
      server.closeIdleConnections?.()
      // A browser may hold a pre-opened connection that never sends a request; do not wait for it forever.
      setTimeout(() => server.closeAllConnections?.(), 1000).unref?.()
    })
    return closed
  }

  function fail(error: OAuthPkceError): void {
    if (settled) return
    settled = true
    claimed = true
    rejectResult(error)
    void shutdown()
  }

  const timer = setTimeout(() => {
    fail(
      new OAuthPkceError(
        OAUTH_PKCE_ERROR_CODES.TIMEOUT,
        `No authorization response reached ${redirectUri} within ${Math.round(timeoutMs / 1000)} s. Start the sign-in again, or paste the address or use the device sign-in on a machine without a browser.`,
      ),
    )
  }, timeoutMs)
  timer.unref?.()

  const onAbort = () => fail(new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.ABORTED, "The sign-in was cancelled."))
  options.signal?.addEventListener("abort", onAbort, { once: true })

  async function finish(parameters: URLSearchParams): Promise<TokenSet> {
    claimed = true
    try {
      const tokens = await client.completeAuthorizationRequest(
        request,
        parameters,
        options.signal === undefined ? undefined : { signal: options.signal },
      )
      settled = true
      resolveResult(tokens)
      return tokens
    } catch (error) {
      settled = true
      rejectResult(error)
      throw error
    }
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", redirectUri)
    if (req.method !== "GET") {
      page(res, 405, "Method not allowed", "This address only receives the sign-in redirect.")
      return
    }
    if (url.pathname !== callbackPath) {
      page(res, 404, "Not found", "This address only receives the sign-in redirect.")
      return
    }
    if (!_matchesRequest(request, url.searchParams)) {
      page(
        res,
        400,
        "Unknown sign-in",
        "This address does not answer the sign-in that is waiting. Start the sign-in again.",
      )
      return
    }
    if (claimed) {
      page(res, 409, "Already used", "This sign-in has already received its answer. Return to the terminal.")
      return
    }
    finish(url.searchParams).then(
      () =>
        page(
          res,
          200,
          "Signed in",
          "You can close this tab and return to the terminal.",
          () => void shutdown(),
        ),
      (error: unknown) => {
        const message = isOAuthPkceError(error) ? error.message : "The sign-in failed."
        page(res, 400, "Sign-in failed", `${message}`, () => void shutdown())
      },
    )
  })

  return Object.freeze({
    url: request.url,
    redirectUri,
    result,
    async complete(pasted: string): Promise<TokenSet> {
      const parameters = _parsePastedCallback(pasted)
      if (!_matchesRequest(request, parameters)) {
        throw new OAuthPkceError(
          OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
          "The pasted address does not answer this sign-in (its state differs). Paste the address from the browser tab this sign-in opened.",
        )
      }
      if (claimed) {
        throw new OAuthPkceError(
          OAUTH_PKCE_ERROR_CODES.ALREADY_COMPLETED,
          "This sign-in has already received its answer; nothing more to paste.",
        )
      }
      try {
        return await finish(parameters)
      } finally {
        void shutdown()
      }
    },
    close(): Promise<void> {
      fail(new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.ABORTED, "The sign-in was closed before it finished."))
      return shutdown()
    },
  })
}
