import type {
  Account,
  AccountStore,
  BudgetStatus,
  Cooldown,
  RateLimitSnapshot,
} from "@keyrelay/account-store"
import { DEFAULT_HEALTH_CONFIG, headroomOf, healthScore } from "@keyrelay/rotation-strategies"

/** An active cooldown that can keep an account from serving. */
export interface CooldownView extends Cooldown {
  /** The opaque key (docs/architecture.md "Scopes of a cooldown"). */
  key: string
  /** `account`, `organization` and `workspace` stop every model; `model` only one model class. */
  scope: "account" | "organization" | "workspace" | "model"
  modelClass: string | undefined
}

/** The latest rate-limit snapshot of one limit group an account draws on. */
export interface LimitView {
  key: string
  modelClass: string | undefined
  snapshot: RateLimitSnapshot
  /** 0–1: the least remaining share over its buckets, refilled toward 1 as the reset time nears. */
  headroom: number
}

/** How `list` and `limits` see one account: its status, health, cooldowns, limits and month's spend. */
export interface AccountView {
  account: Account
  organizationId: string | undefined
  workspaceId: string | undefined
  status: "ready" | "limited" | "cooling" | "disabled"
  /** Health now (stored score plus recovery), 0–100. */
  health: number
  /** Below this health an account is used only when no other can serve. */
  healthUsable: boolean
  cooldowns: CooldownView[]
  limits: LimitView[]
  lastUsedAt: number | undefined
  lastOutcome: { class: string; status?: number; reason?: string; at: number } | undefined
  budget: BudgetStatus | undefined
}

/** The organization an account's limits are counted against, once known. */
export function organizationOf(account: Account): string | undefined {
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

/** Splits a cooldown or limit key (`org:<id>|<class>`, `acct:<id>`, `ws:<id>`) into its parts. */
export function splitKey(
  key: string,
): { kind: string; id: string; modelClass: string | undefined } | undefined {
  const match = /^(acct|org|ws):([^|]+)(?:\|(.+))?$/.exec(key)
  return match ? { kind: match[1]!, id: match[2]!, modelClass: match[3] } : undefined
}

/** Whether a key belongs to this account: its own keys, or its organization's or workspace's. */
function keyScope(key: string, account: Account): CooldownView["scope"] | undefined {
  const parts = splitKey(key)
  if (!parts) return undefined
  const org = organizationOf(account)
  const workspace = workspaceOf(account)
  const mine =
    (parts.kind === "acct" && parts.id === account.id) ||
    (parts.kind === "org" && parts.id === org) ||
    (parts.kind === "ws" && parts.id === workspace)
  if (!mine) return undefined
  if (parts.modelClass !== undefined) return "model"
  return parts.kind === "acct" ? "account" : parts.kind === "org" ? "organization" : "workspace"
}

/** Every account as `list` shows it, in the store's order. */
export function poolView(store: AccountStore, now: number): AccountView[] {
  const state = store.state
  const budgets = new Map(store.budgets().map((b) => [b.accountId, b]))
  return store.listAccounts().map((account) => {
    const cooldowns: CooldownView[] = []
    for (const [key, cooldown] of Object.entries(state.cooldowns)) {
      if (cooldown.until <= now) continue
      const scope = keyScope(key, account)
      if (scope) cooldowns.push({ key, scope, modelClass: splitKey(key)?.modelClass, ...cooldown })
    }
    cooldowns.sort((a, b) => b.until - a.until)
    const limits: LimitView[] = []
    for (const [key, snapshot] of Object.entries(state.rateLimits)) {
      if (keyScope(key, account) !== "model") continue
      limits.push({
        key,
        modelClass: splitKey(key)?.modelClass,
        snapshot,
        headroom: headroomOf(snapshot as Parameters<typeof headroomOf>[0], now),
      })
    }
    limits.sort((a, b) => b.snapshot.observedAt - a.snapshot.observedAt)
    const accountState = state.accounts[account.id]
    const health = healthScore(accountState?.health, now)
    const status: AccountView["status"] = !account.enabled
      ? "disabled"
      : cooldowns.some((c) => c.scope !== "model")
        ? "cooling"
        : cooldowns.length > 0
          ? "limited"
          : "ready"
    return {
      account,
      organizationId: organizationOf(account),
      workspaceId: workspaceOf(account),
      status,
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
