/** Where an OIDC identity token for workload identity federation comes from. */
export type IdentityTokenSource =
  | { source: "file"; path: string }
  | { source: "command"; command: string; timeoutMs?: number }
  | {
      source: "oauth"
      issuer: string
      clientId: string
      scopes: string[]
      audience?: string
      extraParams?: Record<string, string>
    }

/** A credential as stored: never the secret itself (an api-key keeps only its redacted `hint`). */
export type Credential =
  | { kind: "api-key"; hint: string }
  | { kind: "env"; variable: string }
  | { kind: "command"; command: string; ttlSeconds: number; timeoutMs: number }
  | { kind: "profile"; profile: string; configDir?: string }
  | {
      kind: "federation"
      federationRuleId: string
      organizationId: string
      serviceAccountId: string
      workspaceId?: string
      identityToken: IdentityTokenSource
    }

/** One account of the pool as stored in accounts.json (secrets live elsewhere). */
export interface StoredAccount {
  /** `acc_` + 16 base32 characters; never changes. */
  id: string
  label: string
  credential: Credential
  /** Where this account's secrets (its key, its token slots) live. */
  secretStorage: "file" | "keychain"
  /** What dedup compares: 32 hex characters of a SHA-256 over the credential's identity. */
  fingerprint: string
  baseUrl?: string
  tags: string[]
  enabled: boolean
  /** Why it is disabled, e.g. `revoked: 401 at 2026-01-01T10:00:00Z`. */
  disabledReason?: string
  pinned: boolean
  priority: number
  monthlyBudgetUsd?: number
  /** Learned from the `anthropic-organization-id` and `anthropic-workspace-id` response headers. */
  learned?: { organizationId?: string; workspaceId?: string; at: number }
  createdAt: number
  updatedAt: number
}

/** Health and pacing of one account, shared by every process. */
export interface AccountState {
  health?: { score: number; updatedAt: number }
  bucket?: { tokens: number; updatedAt: number }
  lastUsedAt?: number
  lastOutcome?: { class: string; status?: number; reason?: string; at: number }
}

/** A cooldown of one limit group (key from rotation-strategies' `cooldownKey`). */
export interface Cooldown {
  until: number
  class: string
  reason: string
  level: number
  since: number
}

/** One window of rate-limit headers (requests, tokens, input or output tokens). */
export interface RateLimitWindow {
  limit?: number | null
  remaining?: number | null
  resetAt?: number | null
  [field: string]: unknown
}

/** rotation-strategies' `RateLimitSnapshot`; extra fields are kept so that package can grow it. */
export interface RateLimitSnapshot {
  observedAt: number
  requests?: RateLimitWindow | null
  tokens?: RateLimitWindow | null
  inputTokens?: RateLimitWindow | null
  outputTokens?: RateLimitWindow | null
  [field: string]: unknown
}

/** Usage counters of one account × model × project × UTC day. */
export interface UsageCounters {
  requests: number
  inputTokens: number
  outputTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
  cacheReadTokens: number
  webSearchRequests: number
  /** Integer millionths of a USD. */
  costMicroUsd: number
  /** Requests whose cost was unknown (so `costMicroUsd` may understate the spend). */
  unpricedRequests: number
}

/** USD per million tokens (and per thousand web searches) for one model glob. */
export interface ModelPricing {
  inputPerMTok: number
  outputPerMTok: number
  cacheWrite5mPerMTok?: number
  cacheWrite1hPerMTok?: number
  cacheReadPerMTok?: number
  webSearchPerThousand?: number
}

/** The user's settings, shared by the CLI, the plugin and the libraries. */
export interface StoreConfig {
  strategy?: string
  /** How long a request may wait for capacity before failing with a clear 429. */
  waitBudgetMs?: number
  maxAttempts?: number
  deadlineMs?: number
  extraBetas: string[]
  /** Model id glob → prices; overrides the built-in price table. */
  pricing: Record<string, ModelPricing>
  toasts: { enabled: boolean; onSwitch?: boolean; durationMs?: number }
  /** Keep new secrets in the OS keychain instead of secrets.json. */
  keychain: boolean
  /** Daily usage older than this many days is pruned on write. */
  usageRetentionDays: number
}

/** A routing rule: when all present conditions match, these accounts (and tagged accounts) are the candidates. */
export interface RoutingRule {
  id: string
  description?: string
  match: { directories?: string[]; models?: string[] }
  use: { accounts?: string[]; tags?: string[] }
  strategy?: string
}

/** Compile-time check that a schema's output is exactly the documented type: `Assert<Same<A, B>>`. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** Fails to compile unless its argument is `true`. */
export type Assert<T extends true> = T
