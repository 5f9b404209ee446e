import type * as oauth from "oauth4webapi"
import {
  _assertSecureEndpoint,
  _assertSecureMetadata,
  type _ClientContext,
  _defaultSleep,
  _discover,
  type Sleep,
} from "./_client-context.ts"
import { _defaultRandomBytes, type RandomBytes } from "./_random.ts"
import {
  _completeAuthorizationRequest,
  _createAuthorizationRequest,
  type AuthorizationRequest,
  type CreateAuthorizationRequestOptions,
} from "./authorization-request.ts"
import {
  _startDeviceAuthorization,
  type DeviceAuthorization,
  type StartDeviceAuthorizationOptions,
} from "./device-authorization.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import { _refresh, type RefreshOptions } from "./refresh-tokens.ts"
import type { TokenSet } from "./token-set.ts"

/** Authorization server metadata (RFC 8414 §2 / OpenID Connect Discovery §3), as discovered. */
export type AuthorizationServerMetadata = oauth.AuthorizationServer

/** Options of {@link createOAuthClient}. */
export interface OAuthClientOptions {
  /** The provider's issuer identifier, exactly as it publishes it (`https://login.example.com/oauth2/default`). */
  issuer: string
  /** The public client's id, registered with the provider as a native app (no secret). */
  clientId: string
  /** Default space-separated scopes; `openid offline_access` (an ID token and a refresh token). */
  scope?: string
  /** Skip discovery and use this metadata (its `issuer` must equal `issuer`). */
  metadata?: AuthorizationServerMetadata
  /**
   * Which discovery document to read: `oidc` (`/.well-known/openid-configuration`), `oauth2` (RFC 8414
   * `/.well-known/oauth-authorization-server`), or `auto` (the default: OIDC, then RFC 8414 on a 404).
   */
  discovery?: "auto" | "oidc" | "oauth2"
  /** Verify ID token signatures against the provider's JWKS (default `true`); claims are always checked. */
  verifyIdTokenSignature?: boolean
  /** `user-agent` sent to the provider; the default is oauth4webapi's. */
  userAgent?: string
  /** Per-request timeout in ms (default 30 000). */
  requestTimeoutMs?: number
  fetch?: typeof fetch
  /** Clock in epoch ms; defaults to `Date.now`. */
  now?: () => number
  /** Cryptographic randomness for PKCE, `state` and `nonce`; defaults to `crypto.getRandomValues`. */
  randomBytes?: RandomBytes
  /** How device polling waits; defaults to a timer. */
  sleep?: Sleep
}

/**
 * An OAuth 2.0 / OpenID Connect public client for one provider: discovery, authorization code + PKCE, device
 * grant and refresh. Made by {@link createOAuthClient}; every method is safe to call concurrently.
 */
export interface OAuthClient {
  /** The issuer identifier this client talks to. */
  readonly issuer: string
  /** The client id. */
  readonly clientId: string
  /** The provider's metadata, discovered once and cached (RFC 8414, OpenID Connect Discovery). */
  discover(options?: { signal?: AbortSignal }): Promise<AuthorizationServerMetadata>
  /** Starts an authorization code + PKCE (S256) sign-in with fresh `state` and `nonce` (RFC 7636, RFC 6749 §4.1). */
  createAuthorizationRequest(options: CreateAuthorizationRequestOptions): Promise<AuthorizationRequest>
  /**
   * Finishes a sign-in with the authorization response (the redirect URL, its query, or `code#state` as a user
   * pastes it): checks `state` in constant time and `iss`, exchanges the code with the verifier, validates the ID
   * token and its `nonce`.
   */
  completeAuthorizationRequest(
    request: AuthorizationRequest,
    callback: string | URL | URLSearchParams,
    options?: { signal?: AbortSignal },
  ): Promise<TokenSet>
  /** Starts a device sign-in (RFC 8628) for machines without a browser. */
  startDeviceAuthorization(options?: StartDeviceAuthorizationOptions): Promise<DeviceAuthorization>
  /** Exchanges a refresh token for new tokens (RFC 6749 §6); a rotated refresh token replaces the old one. */
  refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenSet>
}

/**
 * Creates an OAuth 2.0 / OpenID Connect public client for the user's own identity provider. Protocol steps use Web
 * APIs only (`fetch`, `crypto.subtle`), so they run in Node and in Bun.
 *
 * @example
 * const client = createOAuthClient({ issuer: "https://login.example.com", clientId: "keyrelay-cli" })
 * const device = await client.startDeviceAuthorization()
 * console.log(`Open ${device.verificationUri} and enter ${device.userCode}`)
 * const tokens = await device.poll()
 * @see RFC 6749, RFC 7636, RFC 8252, RFC 8414, RFC 8628, OpenID Connect Core 1.0
 * @throws OAuthPkceError `ERR_OAUTH_INVALID_OPTIONS` for a missing client id or a malformed issuer,
 * `ERR_OAUTH_INSECURE_ENDPOINT` for an http issuer that is not loopback.
 */
export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  if (typeof options.clientId !== "string" || options.clientId === "") {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "createOAuthClient needs the clientId registered with the identity provider.",
    )
  }
  if (typeof options.issuer !== "string") {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "createOAuthClient needs the provider's issuer URL.",
    )
  }
  _assertSecureEndpoint(options.issuer, "issuer")
  const timeout = options.requestTimeoutMs ?? 30_000
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "requestTimeoutMs must be a positive number.",
    )
  }
  if (options.metadata && options.metadata.issuer !== options.issuer) {
    throw new OAuthPkceError(
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
      "metadata.issuer must equal issuer (RFC 8414 §3.3).",
    )
  }

  const ctx: _ClientContext = {
    issuer: options.issuer,
    clientId: options.clientId,
    scope: options.scope ?? "openid offline_access",
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: options.now ?? Date.now,
    randomBytes: options.randomBytes ?? _defaultRandomBytes,
    sleep: options.sleep ?? _defaultSleep,
    userAgent: options.userAgent,
    requestTimeoutMs: timeout,
    verifyIdTokenSignature: options.verifyIdTokenSignature ?? true,
    discovery: options.discovery ?? "auto",
    metadata: options.metadata ? Promise.resolve(_assertSecureMetadata(options.metadata)) : undefined,
    jwksCache: {},
  }

  return Object.freeze({
    issuer: ctx.issuer,
    clientId: ctx.clientId,
    discover: (opts?: { signal?: AbortSignal }) => _discover(ctx, opts?.signal),
    createAuthorizationRequest: (opts: CreateAuthorizationRequestOptions) =>
      _createAuthorizationRequest(ctx, opts),
    completeAuthorizationRequest: (
      request: AuthorizationRequest,
      callback: string | URL | URLSearchParams,
      opts?: { signal?: AbortSignal },
    ) => _completeAuthorizationRequest(ctx, request, callback, opts?.signal),
    startDeviceAuthorization: (opts?: StartDeviceAuthorizationOptions) =>
      _startDeviceAuthorization(ctx, opts),
    refresh: (refreshToken: string, opts?: RefreshOptions) => _refresh(ctx, refreshToken, opts),
  })
}
