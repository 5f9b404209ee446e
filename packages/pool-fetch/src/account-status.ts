import type {
  Account,
  AccountStore,
  BudgetStatus,
  Cooldown,
  RateLimitSnapshot,
} from "@keyrelay/account-store"
import { DEFAULT_HEALTH_CONFIG, headroomOf, healthScore } from "@keyrelay/rotation-strategies"

/** An active cooldown that keeps an account from serving (all models, or one model class). */
export interface AccountCooldownStatus extends Cooldown {
  /** The cooldown's key (docs/architecture.md "Scopes of a cooldown"); opaque, stable. */
  readonly key: string
  /** `account`, `organization` and `workspace` stop every model; `model` one model class. */
  readonly scope: "account" | "organization" | "workspace" | "model"
  /** The model class it stops, for `model` cooldowns. */
  readonly modelClass: string | undefined
  /** The organization it is counted against, for a cooldown of an organization or its limit group. */
  readonly organizationId: string | undefined
}

/** The latest rate-limit snapshot of one limit group (organization × model class) an account draws on. */
export interface AccountLimitStatus {
  /** The limit group's key (`org:<id>|<class>`, or `acct:<id>|<class>` before the organization is known). */
  readonly key: string
  readonly modelClass: string | undefined
  /** The organization of the group, once known. */
  readonly organizationId: string | undefined
  readonly snapshot: RateLimitSnapshot
  /** 0–1: the least remaining share over its buckets, refilled toward 1 as the reset time nears (what `headroom` picks by). */
  readonly headroom: number
}

/** One account as the pool sees it now, for display: status, health, cooldowns, limits and the month's spend. */
export interface AccountStatus {
  readonly account: Account
  /** The organization its limits are counted against: learned from the API, else a federation account's own. */
  readonly organizationId: string | undefined
  readonly workspaceId: string | undefined
  /**
   * `ready`; `limited` (a model class cools down, others serve); `cooling` (the account, its organization or its
   * workspace cools down); `disabled`.
   */
  readonly status: "ready" | "limited" | "cooling" | "disabled"
  /** Health now (the stored score with its recovery since), 0–100. */
  readonly health: number
  /** Whether the health is above the threshold below which an account serves only when no other can. */
  readonly healthUsable: boolean
  /** Active cooldowns, latest end first. */
  readonly cooldowns: readonly AccountCooldownStatus[]
  /** Limit groups with a snapshot, newest first. */
  readonly limits: readonly AccountLimitStatus[]
  readonly lastUsedAt: number | undefined
  readonly lastOutcome: { class: string; status?: number; reason?: string; at: number } | undefined
  /** Month-to-date spend and budget; `undefined` when the store has no usage or budget for it. */
  readonly budget: BudgetStatus | undefined
}

/** Options of {@link accountStatuses}. */
export interface AccountStatusOptions {
  store: AccountStore
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number
}

interface KeyParts {
  kind: "acct" | "org" | "ws"
  id: string
  modelClass: string | undefined
}

// The inverse of rotation-strategies' cooldownKey (`acct:`, `org:`, `ws:` + id, then `|<class>` for model scopes).
function splitKey(key: string): KeyParts | undefined {
  const match = /^(acct|org|ws):([^|]+)(?:\|(.+))?$/.exec(key)
  return match ? { kind: match[1] as KeyParts["kind"], id: match[2]!, modelClass: match[3] } : undefined
}

function organizationOf(account: Account): string | undefined {
  return (
    account.learned?.organizationId ??
    (account.credential.kind === "federation" ? account.credential.organizationId : undefined)
  )
}

function workspaceOf(account: Account): string | undefined {
  return (
    account.learned?.workspaceId ??
    (account.credential.kind === "federation" ? account.credential.workspaceId : undefined)
  )
}

/** The scope a key has for this account, or `undefined` when it is not the account's, its organization's or workspace's. */
function scopeFor(
  parts: KeyParts,
  account: Account,
  organizationId: string | undefined,
  workspaceId: string | undefined,
): AccountCooldownStatus["scope"] | undefined {
  const mine =
    (parts.kind === "acct" && parts.id === account.id) ||
    (parts.kind === "org" && parts.id === organizationId) ||
    (parts.kind === "ws" && parts.id === workspaceId)
  if (!mine) return undefined
  if (parts.modelClass !== undefined) return "model"
  return parts.kind === "acct" ? "account" : parts.kind === "org" ? "organization" : "workspace"
}

/**
 * Every account of the store as the pool sees it now, in the store's order: whether it can serve (and if not, which
 * cooldowns hold it, until when and why), its health, the latest rate-limit headroom of each limit group it draws on,
 * its last outcome and its month-to-date spend. Reads the store only; sends nothing. The CLI's `list` and `limits`
 * show this.
 *
 * @example
 * for (const s of accountStatuses({ store })) console.log(s.account.label, s.status, Math.round(s.health))
 */
export function accountStatuses(options: AccountStatusOptions): AccountStatus[] {
  const { store } = options
  const now = (options.now ?? Date.now)()
  const state = store.state
  const budgets = new Map(store.budgets().map((b) => [b.accountId, b]))
  const cooldownKeys = Object.entries(state.cooldowns).flatMap(([key, cooldown]) => {
    const parts = cooldown.until > now ? splitKey(key) : undefined
    return parts === undefined ? [] : [{ key, parts, cooldown }]
  })
  const limitKeys = Object.entries(state.rateLimits).flatMap(([key, snapshot]) => {
    const parts = splitKey(key)
    return parts === undefined || parts.modelClass === undefined ? [] : [{ key, parts, snapshot }]
  })
  return store.listAccounts().map((account): AccountStatus => {
    const organizationId = organizationOf(account)
    const workspaceId = workspaceOf(account)
    const cooldowns: AccountCooldownStatus[] = []
    for (const { key, parts, cooldown } of cooldownKeys) {
      const scope = scopeFor(parts, account, organizationId, workspaceId)
      if (scope === undefined) continue
      cooldowns.push({
        ...cooldown,
        key,
        scope,
        modelClass: parts.modelClass,
        organizationId: parts.kind === "org" ? parts.id : undefined,
      })
    }
    cooldowns.sort((a, b) => b.until - a.until)
    const limits: AccountLimitStatus[] = []
    for (const { key, parts, snapshot } of limitKeys) {
      if (scopeFor(parts, account, organizationId, workspaceId) !== "model") continue
      limits.push({
        key,
        modelClass: parts.modelClass,
        organizationId: parts.kind === "org" ? parts.id : undefined,
        snapshot,
        headroom: headroomOf(snapshot as Parameters<typeof headroomOf>[0], now),
      })
    }
    limits.sort((a, b) => b.snapshot.observedAt - a.snapshot.observedAt)
    const accountState = state.accounts[account.id]
    const health = healthScore(accountState?.health, now)
    return {
      account,
      organizationId,
      workspaceId,
      status: !account.enabled
        ? "disabled"
        : cooldowns.some((c) => c.scope !== "model")
          ? "cooling"
          : cooldowns.length > 0
            ? "limited"
            : "ready",
      health,
      healthUsable: health >= DEFAULT_HEALTH_CONFIG.minUsable,
      cooldowns,
      limits,
      lastUsedAt: accountState?.lastUsedAt,
      lastOutcome: accountState?.lastOutcome,
      budget: budgets.get(account.id),
    }
  })
}
