export type { StoreConfig } from "./_config-file.ts"
export type { Route, RouteRequest } from "./_resolve-route.ts"
export type { RoutingRule } from "./_rules-file.ts"
export type { OutcomeRecord, UsageRecord } from "./_runtime-state.ts"
export type { AccountState, Cooldown, RateLimitSnapshot } from "./_state-file.ts"
export type { StoreProblem } from "./_store-files.ts"
export type { UsageCounters } from "./_usage-file.ts"
export { USAGE_COUNTER_FIELDS } from "./_usage-file.ts"
export { openAccountStore } from "./account-store.ts"
export type {
  AccountStore,
  AccountStoreOptions,
  RoutingRuleInput,
  RuntimeStateView,
  StoreEvent,
  StoreFileName,
  TokenSlot,
  TokenSlotUpdate,
} from "./account-store-api.ts"
export {
  ACCOUNT_STORE_ERROR_CODES,
  AccountStoreError,
  type AccountStoreErrorCode,
  isAccountStoreError,
} from "./account-store-error.ts"
export type {
  Account,
  AccountPatch,
  Credential,
  CredentialInput,
  CredentialKind,
  NewAccountInput,
} from "./account-types.ts"
export { credentialFingerprint } from "./credential-fingerprint.ts"
export { mergeCooldown } from "./merge-runtime-state.ts"
export { redactSecret, SecretValue } from "./redact-secret.ts"
export { resolveStoreHome } from "./resolve-store-home.ts"
export type { BudgetStatus, UsageQuery, UsageRow } from "./usage-report.ts"
