import * as oauth from "oauth4webapi"
import { _mapError, _TransportFailure } from "./_map-error.ts"
import type { RandomBytes } from "./_random.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

/** Waits `ms` milliseconds; rejects with an `AbortError` when `signal` aborts. Injectable for fake clocks. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Everything one client's protocol steps share; built once by createOAuthClient. */
export interface _ClientContext {
  issuer: string
  clientId: string
  scope: string
  fetch: typeof fetch
  now: () => number
  randomBytes: RandomBytes
  sleep: Sleep
  userAgent: string | undefined
  requestTimeoutMs: number
  verifyIdTokenSignature: boolean
  discovery: "auto" | "oidc" | "oauth2"
  metadata: Promise<oauth.AuthorizationServer> | undefined
  jwksCache: oauth.JWKSCacheInput
}

export const _defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/** Whether a URL is plain http to the loopback interface (allowed for local development and tests). */
export function _isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== "http:") return false
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase()
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Refuses an endpoint that is neither https nor loopback http: codes and tokens never travel in clear text. */
export function _assertSecureEndpoint(value: string, what: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS, `The ${what} is not a valid URL.`)
  }
  if (url.protocol !== "https:" && !_isLoopbackHttp(url)) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INSECURE_ENDPOINT,
      `The ${what} ${url.origin} is not https; only loopback addresses may use plain http. Use the provider's https URL.`,
    )
  }
  return url
}

/** The oauth4webapi client object: a public client, with the injected clock expressed as a skew. */
export function _oauthClient(ctx: _ClientContext): oauth.Client {
  return {
    client_id: ctx.clientId,
    token_endpoint_auth_method: "none",
    [oauth.clockSkew]: Math.round((ctx.now() - Date.now()) / 1000),
  }
}

/** Options every oauth4webapi request function here accepts (GET discovery and JWKS, POST token and device). */
export type _RequestOptions = oauth.DiscoveryRequestOptions &
  oauth.TokenEndpointRequestOptions &
  oauth.DeviceAuthorizationRequestOptions &
  oauth.ValidateSignatureOptions

type AnyFetchOptions = oauth.CustomFetchOptions<"GET" | "POST", URLSearchParams | undefined>

/** Request options for one call to `endpoint`: injected fetch, timeout, caller's signal, user agent. */
export function _requestOptions(
  ctx: _ClientContext,
  endpoint: string | URL,
  signal: AbortSignal | undefined,
): _RequestOptions {
  const timeout = AbortSignal.timeout(ctx.requestTimeoutMs)
  const options: _RequestOptions = {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    [oauth.customFetch]: async (url: string, init: AnyFetchOptions) => {
      try {
        return await ctx.fetch(url, init as unknown as RequestInit)
      } catch (error) {
        throw new _TransportFailure(error)
      }
    },
    [oauth.allowInsecureRequests]: _isLoopbackHttp(new URL(endpoint)),
    [oauth.jwksCache]: ctx.jwksCache,
  }
  if (ctx.userAgent) options.headers = { "user-agent": ctx.userAgent }
  return options
}

const SECURED_ENDPOINTS = [
  "authorization_endpoint",
  "token_endpoint",
  "device_authorization_endpoint",
  "jwks_uri",
] as const

async function fetchMetadata(ctx: _ClientContext, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(ctx.issuer)
  const algorithms = ctx.discovery === "auto" ? (["oidc", "oauth2"] as const) : [ctx.discovery]
  let metadata: oauth.AuthorizationServer | undefined
  try {
    for (const [i, algorithm] of algorithms.entries()) {
      const response = await oauth.discoveryRequest(issuer, {
        ..._requestOptions(ctx, issuer, signal),
        algorithm,
      })
      // OIDC discovery first; an OAuth-only server (RFC 8414) answers 404 there.
      if (response.status === 404 && i < algorithms.length - 1) continue
      metadata = await oauth.processDiscoveryResponse(issuer, response)
      break
    }
  } catch (error) {
    throw _mapError(error, "discovery", ctx.issuer)
  }
  if (!metadata) throw _mapError(new Error("no metadata"), "discovery", ctx.issuer)
  return _assertSecureMetadata(metadata)
}

/** Refuses metadata that would send codes or tokens over plain http off loopback. */
export function _assertSecureMetadata(metadata: oauth.AuthorizationServer): oauth.AuthorizationServer {
  for (const key of SECURED_ENDPOINTS) {
    const value = metadata[key]
    if (typeof value === "string") _assertSecureEndpoint(value, `${key} advertised by ${metadata.issuer}`)
  }
  return metadata
}

/**
 * The provider's metadata, discovered once and shared by every step (a failed discovery is forgotten, so the
 * next call tries again).
 */
export function _discover(ctx: _ClientContext, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
  if (!ctx.metadata) {
    const pending = fetchMetadata(ctx, signal)
    ctx.metadata = pending
    pending.catch(() => {
      if (ctx.metadata === pending) ctx.metadata = undefined
    })
  }
  return ctx.metadata
}
