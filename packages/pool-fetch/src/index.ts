export type { Sleep } from "./_sleep.ts"
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
export { ACCESS_TOKEN_SLOT, IDENTITY_TOKEN_SLOT, identityTokenStore } from "./identity-token-store.ts"
export type { PoolEvent, PoolEventLevel, PoolEventType } from "./pool-events.ts"
export {
  isPoolFetchError,
  POOL_FETCH_ERROR_CODES,
  PoolFetchError,
  type PoolFetchErrorCode,
} from "./pool-fetch-error.ts"
export { type AccountTestResult, testAccount } from "./test-account.ts"
