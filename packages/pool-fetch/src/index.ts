export { normalizeBaseUrl } from "@keyrelay/request-rewrite"
export type { Sleep } from "./_sleep.ts"
export {
  type AccountCooldownStatus,
  type AccountLimitStatus,
  type AccountStatus,
  type AccountStatusOptions,
  accountStatuses,
} from "./account-status.ts"
export { type CostUsage, costOf, createPricing, type PriceTable, type Pricing } from "./cost-of.ts"
export {
  type CredentialForDiagnostics,
  createPoolFetch,
  type PoolFetch,
  type PoolFetchOptions,
} from "./create-pool-fetch.ts"
export {
  type CredentialResolver,
  type CredentialResolverOptions,
  createCredentialResolver,
  type ResolvedCredential,
} from "./credential-resolver.ts"
export { DEFAULT_PRICING, type ModelPrice, type PriceLevel } from "./default-pricing.ts"
export {
  type ExplainRouteOptions,
  explainRoute,
  type RouteAccountExplanation,
  type RouteExplanation,
} from "./explain-route.ts"
export {
  createFederationSignIn,
  DEFAULT_FEDERATION_SCOPES,
  type FederationBrowserOptions,
  type FederationBrowserSignIn,
  type FederationDeviceSignIn,
  type FederationInteractiveOptions,
  type FederationSignIn,
  type FederationSignInOptions,
  type FederationSignInSaved,
  type OAuthIdentityToken,
  type TokenSet,
} from "./federation-sign-in.ts"
export { ACCESS_TOKEN_SLOT, IDENTITY_TOKEN_SLOT, identityTokenStore } from "./identity-token-store.ts"
export {
  isOpencodeAuthMarker,
  OPENCODE_AUTH_MARKER,
  OPENCODE_AUTH_MARKER_KEY,
  type OpencodeAuthEntry,
} from "./opencode-auth-marker.ts"
export type { PoolEvent, PoolEventLevel, PoolEventType } from "./pool-events.ts"
export {
  isPoolFetchError,
  POOL_FETCH_ERROR_CODES,
  PoolFetchError,
  type PoolFetchErrorCode,
} from "./pool-fetch-error.ts"
export { DEFAULT_STRATEGY, isStrategyName, STRATEGY_NAMES, type StrategyName } from "./strategy-names.ts"
export { type AccountTestResult, testAccount } from "./test-account.ts"
