export type { Sleep } from "./_client-context.ts"
export type { RandomBytes } from "./_random.ts"
export type { AuthorizationRequest, CreateAuthorizationRequestOptions } from "./authorization-request.ts"
export {
  type AuthorizationServerMetadata,
  createOAuthClient,
  type OAuthClient,
  type OAuthClientOptions,
} from "./create-oauth-client.ts"
export type { DeviceAuthorization, StartDeviceAuthorizationOptions } from "./device-authorization.ts"
export { type IdTokenClaims, type IdTokenHeader, readIdTokenClaims } from "./id-token-claims.ts"
export {
  createIdentityTokenProvider,
  type IdentityTokenProvider,
  type IdentityTokenProviderOptions,
  type WithLock,
} from "./identity-token-provider.ts"
export {
  type LoopbackSignIn,
  type StartLoopbackSignInOptions,
  startLoopbackSignIn,
} from "./loopback-sign-in.ts"
export {
  isOAuthPkceError,
  OAUTH_PKCE_ERROR_CODES,
  OAuthPkceError,
  type OAuthPkceErrorCode,
  type OAuthPkceErrorOptions,
} from "./oauth-pkce-error.ts"
export { type OpenBrowserOptions, openBrowser } from "./open-browser.ts"
export {
  computeCodeChallenge,
  type GeneratePkceOptions,
  generatePkce,
  isValidCodeVerifier,
  type PkcePair,
} from "./pkce.ts"
export type { RefreshOptions } from "./refresh-tokens.ts"
export { type SignInOptions, signIn } from "./sign-in.ts"
export type { StoredTokenSet, TokenSet, TokenStore } from "./token-set.ts"
