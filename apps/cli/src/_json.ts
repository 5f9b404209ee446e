import type { Account, BudgetStatus, RateLimitSnapshot } from "@keyrelay/account-store"
import type { AccountCooldownStatus, AccountLimitStatus, AccountStatus } from "@keyrelay/pool-fetch"
import { isoOrNull } from "./_format.ts"

/** The version every `--json` document carries; bumped only for incompatible changes. */
export const JSON_SCHEMA_VERSION = 1

/** An account in `--json` output: settings and the stored credential (an api-key only as its redacted hint). */
export function accountJson(account: Account) {
  return {
    id: account.id,
    label: account.label,
    kind: account.credential.kind,
    credential: { ...account.credential },
    baseUrl: account.baseUrl ?? null,
    tags: [...account.tags],
    enabled: account.enabled,
    disabledReason: account.disabledReason ?? null,
    pinned: account.pinned,
    priority: account.priority,
    monthlyBudgetUsd: account.monthlyBudgetUsd ?? null,
    organizationId: account.learned?.organizationId ?? null,
    workspaceId: account.learned?.workspaceId ?? null,
    createdAt: isoOrNull(account.createdAt),
    updatedAt: isoOrNull(account.updatedAt),
  }
}

export function cooldownJson(cooldown: AccountCooldownStatus) {
  return {
    key: cooldown.key,
    scope: cooldown.scope,
    modelClass: cooldown.modelClass ?? null,
    class: cooldown.class,
    reason: cooldown.reason,
    until: isoOrNull(cooldown.until),
    since: isoOrNull(cooldown.since),
    level: cooldown.level,
  }
}

const BUCKETS = ["requests", "tokens", "inputTokens", "outputTokens"] as const

export function snapshotBuckets(snapshot: RateLimitSnapshot) {
  const buckets: Record<
    string,
    { limit: number | null; remaining: number | null; resetAt: string | null } | null
  > = {}
  for (const name of BUCKETS) {
    const bucket = snapshot[name]
    buckets[name] = bucket
      ? {
          limit: bucket.limit ?? null,
          remaining: bucket.remaining ?? null,
          resetAt: isoOrNull(bucket.resetAt),
        }
      : null
  }
  return buckets as Record<
    (typeof BUCKETS)[number],
    { limit: number | null; remaining: number | null; resetAt: string | null } | null
  >
}

export function limitJson(limit: AccountLimitStatus) {
  return {
    key: limit.key,
    modelClass: limit.modelClass ?? null,
    observedAt: isoOrNull(limit.snapshot.observedAt),
    headroom: round(limit.headroom, 4),
    ...snapshotBuckets(limit.snapshot),
  }
}

export function spendJson(budget: BudgetStatus | undefined, month: string) {
  return {
    month: budget?.month ?? month,
    spentMicroUsd: budget?.spentMicroUsd ?? 0,
    spentUsd: round((budget?.spentMicroUsd ?? 0) / 1_000_000, 6),
    budgetUsd: budget?.budgetUsd ?? null,
    fractionUsed:
      budget?.fractionUsed === undefined || !Number.isFinite(budget.fractionUsed)
        ? null
        : round(budget.fractionUsed, 4),
    overBudget: budget?.overBudget ?? false,
    unpricedRequests: budget?.unpricedRequests ?? 0,
  }
}

export function accountViewJson(view: AccountStatus, now: number) {
  return {
    ...accountJson(view.account),
    organizationId: view.organizationId ?? null,
    workspaceId: view.workspaceId ?? null,
    status: view.status,
    health: round(view.health, 1),
    healthUsable: view.healthUsable,
    cooldowns: view.cooldowns.map(cooldownJson),
    rateLimits: view.limits.map(limitJson),
    spend: spendJson(view.budget, new Date(now).toISOString().slice(0, 7)),
    lastUsedAt: isoOrNull(view.lastUsedAt),
    lastOutcome: view.lastOutcome
      ? {
          class: view.lastOutcome.class,
          status: view.lastOutcome.status ?? null,
          reason: view.lastOutcome.reason ?? null,
          at: isoOrNull(view.lastOutcome.at),
        }
      : null,
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
