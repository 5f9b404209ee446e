import type { Route, RouteRequest } from "./_resolve-route.ts"
import type { OutcomeRecord, UsageRecord } from "./_runtime-state.ts"
import type { StateFile } from "./_state-file.ts"
import type { StoreProblem } from "./_store-files.ts"
import type { Account, AccountPatch, NewAccountInput } from "./account-types.ts"
import type { SecretValue } from "./redact-secret.ts"
import type { RoutingRule, StoreConfig } from "./store-types.ts"
import type { BudgetStatus, UsageQuery, UsageRow } from "./usage-report.ts"

/** Options of `openAccountStore`; every field is optional. */
export interface AccountStoreOptions {
  /** The store directory; defaults to `KEYRELAY_HOME`, else `$XDG_CONFIG_HOME/keyrelay`. */
  home?: string
  /** The clock for timestamps written into the files (epoch ms). */
  now?: () => number
  /** Minimum time between two state writes of this process; default 1000 ms. */
  flushIntervalMs?: number
  /**
   * How long a cooldown is kept after it ended; default 86 400 000 ms (one day). An ended cooldown keeps nothing
   * out, but the next failure of its key escalates from it (credit 1 min → 5 min → 30 min → 2 h; a transport
   * fault's zero-length record), so keep it at least as long as the rotation policy remembers it
   * (rotation-strategies' `forgetAfterMs`, one day by default). Older records are dropped when state is written.
   */
  forgetCooldownsAfterMs?: number
  /** Pick up changes made by other processes (fs.watch plus a stat poll); default true. */
  watch?: boolean
  /** Interval of the stat poll that backs up fs.watch; default 2000 ms, 0 disables it. */
  pollIntervalMs?: number
  /** How long a write waits for another process's lock before ERR_STORE_LOCK_TIMEOUT; default 15 000 ms. */
  lockTimeoutMs?: number
  /** Flush pending state on `beforeExit`, `exit`, SIGINT, SIGTERM and SIGHUP; default true. */
  flushOnExit?: boolean
  /** Loads `@napi-rs/keyring`; for tests and for hosts that bundle it themselves. */
  loadKeyring?: () => Promise<unknown>
}

/** The store's files; change events name the ones that changed. */
export type StoreFileName =
  | "accounts.json"
  | "secrets.json"
  | "rules.json"
  | "config.json"
  | "state.json"
  | "usage.json"

/** What subscribers hear: a file changed (by this process or another), or a problem was found. */
export type StoreEvent =
  | { type: "change"; files: StoreFileName[]; external: boolean }
  | { type: "problem"; problem: StoreProblem }

/**
 * The runtime state every process shares: per-account health, cooldowns (ended ones too, until they are forgotten:
 * a cooldown holds while `until > now`), rate-limit snapshots. Its maps have no prototype (their keys come from
 * outside), so `state.cooldowns[key]` never finds an inherited member.
 */
export type RuntimeStateView = Readonly<Omit<StateFile, "version">>

/** A token slot's content: the value (redacted in logs), when it was written, when it expires. */
export interface TokenSlot {
  value: SecretValue
  updatedAt: number
  expiresAt?: number
}

/** What a token slot update writes; `null` deletes the slot, `undefined` leaves it as it was. */
export type TokenSlotUpdate = { value: string; expiresAt?: number } | null | undefined

/** A routing rule as given to `addRule`/`setRules` (the id is assigned when absent). */
export type RoutingRuleInput = Omit<RoutingRule, "id"> & { id?: string }

/**
 * The durable pool: accounts, secrets, routing rules, config and the runtime state every keyrelay process shares.
 * Reads come from memory; writes take the cross-process lock; the hot-path recorders touch memory only.
 */
export interface AccountStore {
  /** The directory holding the files. */
  readonly home: string
  /** Problems found in the files (corrupt, too new, insecure, keychain unavailable); the rest keeps working. */
  readonly problems: readonly StoreProblem[]
  /** Every account (enabled or not), frozen, without secrets. */
  listAccounts(): readonly Account[]
  getAccount(id: string): Account | undefined
  /** @throws AccountStoreError ERR_STORE_DUPLICATE_CREDENTIAL, ERR_STORE_INVALID_INPUT, ERR_STORE_LOCK_TIMEOUT */
  addAccount(input: NewAccountInput): Promise<Account>
  /** @throws AccountStoreError ERR_STORE_ACCOUNT_NOT_FOUND, ERR_STORE_INVALID_INPUT, ERR_STORE_DUPLICATE_CREDENTIAL */
  updateAccount(id: string, patch: AccountPatch): Promise<Account>
  /** Records the organization and workspace learned from response headers (written only when they change). */
  learnOrganization(id: string, learned: { organizationId?: string; workspaceId?: string }): Promise<void>
  /** Removes an account for good: its secrets, state and usage go, and a tombstone keeps it from coming back. */
  removeAccount(id: string): Promise<void>
  /** The key of an `api-key` account. @throws AccountStoreError ERR_STORE_SECRET_MISSING, ERR_STORE_ACCOUNT_NOT_FOUND */
  getSecret(id: string): Promise<SecretValue>
  readTokenSlot(accountId: string, slot: string): Promise<TokenSlot | undefined>
  writeTokenSlot(accountId: string, slot: string, value: TokenSlotUpdate): Promise<void>
  /** Reads the slot after taking the lock, lets `update` decide (it may refresh over the network), writes the result. */
  updateTokenSlot(
    accountId: string,
    slot: string,
    update: (current: TokenSlot | undefined) => TokenSlotUpdate | Promise<TokenSlotUpdate>,
  ): Promise<TokenSlot | undefined>
  /**
   * Runs `fn` holding the store's cross-process lock. Reentrant by async context: every store method that takes the
   * lock (`reload`, `updateConfig`, `addAccount`, `updateTokenSlot`, `flush`, a nested `withLock`, …) runs inside
   * `fn`'s turn when called from it, one at a time; other callers, here or in another process, wait until `fn` and
   * the work it started have settled. A timer or callback created inside `fn` that fires later holds no lock.
   *
   * @example
   * ```ts
   * await store.withLock(async () => {
   *   await store.reload() // config.json as it is now, and nobody can change it until this returns
   *   await store.updateConfig({ toasts: { ...store.config.toasts, onSwitch: false } })
   * })
   * ```
   * @throws AccountStoreError ERR_STORE_LOCK_TIMEOUT when another process holds the lock longer than `lockTimeoutMs`
   */
  withLock<T>(fn: () => T | Promise<T>): Promise<T>
  listRules(): readonly RoutingRule[]
  addRule(rule: RoutingRuleInput): Promise<RoutingRule>
  removeRule(id: string): Promise<void>
  setRules(rules: readonly RoutingRuleInput[]): Promise<readonly RoutingRule[]>
  /** The candidate accounts for a request: the first matching rule's, else every enabled account. */
  resolveRoute(request: RouteRequest): Route
  readonly config: Readonly<StoreConfig>
  updateConfig(patch: Partial<StoreConfig>): Promise<Readonly<StoreConfig>>
  /** The shared runtime state (this process's unwritten changes included). */
  readonly state: RuntimeStateView
  /** Hot path: memory only; the write happens later, debounced, merged under the lock. */
  recordOutcome(record: OutcomeRecord): void
  /** Hot path: memory only; usage is merged as deltas, so concurrent processes lose nothing. */
  recordUsage(record: UsageRecord): void
  /** Removes cooldowns now (the one way to shorten one, e.g. `keyrelay enable`). */
  clearCooldowns(match: (key: string) => boolean): Promise<void>
  usage(query?: UsageQuery): UsageRow[]
  budgets(): BudgetStatus[]
  subscribe(listener: (event: StoreEvent) => void): () => void
  /** Re-reads files changed by others now, instead of waiting for the watcher. */
  reload(): Promise<void>
  /** Writes pending state now. */
  flush(): Promise<void>
  /** Flushes, stops watching and releases the exit hooks. */
  close(): Promise<void>
}
