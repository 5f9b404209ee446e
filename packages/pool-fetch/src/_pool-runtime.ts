// The state one pool fetch keeps between requests, and the bookkeeping every outcome goes through: what the store
// records (health, bucket, cooldowns, limit snapshots, organizations), what the user hears (events), which accounts
// are out of rotation right now (disabled in flight, over budget), and what serves each model class.
import type {
  Account,
  AccountStore,
  Cooldown,
  OutcomeRecord,
  StoreConfig,
  RateLimitSnapshot as StoreRateLimitSnapshot,
} from "@keyrelay/account-store"
import {
  type Candidate,
  type Classification,
  candidateCooldownKeys,
  createStrategy,
  fastModeClass,
  groupKey,
  modelClassOf,
  parseRateLimitHeaders,
  type Strategy,
  takeToken,
  updateHealth,
} from "@keyrelay/rotation-strategies"
import { BudgetTracker } from "./_budget-tracker.ts"
import { Deadlines } from "./_deadlines.ts"
import { type PoolSettings, type PoolSettingsOverrides, resolveSettings } from "./_pool-settings.ts"
import type { Sleep } from "./_sleep.ts"
import { createPricing, type PriceTable, type Pricing } from "./cost-of.ts"
import type { CredentialResolver } from "./credential-resolver.ts"
import type { PoolEvent } from "./pool-events.ts"
import type { StrategyName } from "./strategy-names.ts"

export interface RuntimeOptions {
  store: AccountStore
  fetch: typeof fetch
  now: () => number
  random: () => number
  sleep: Sleep
  host: string | undefined
  directory: string | undefined
  overrides: PoolSettingsOverrides
  pricing: PriceTable | undefined
  resolver: CredentialResolver
  onEvent: ((event: PoolEvent) => void) | undefined
}

/** How long after a service error (529/500/504) the pool leaves retrying to the host. */
const SERVICE_TROUBLE_MS = 30_000

export class PoolRuntime {
  readonly store: AccountStore
  readonly fetch: typeof fetch
  readonly now: () => number
  readonly random: () => number
  readonly sleep: Sleep
  readonly host: string | undefined
  readonly directory: string | undefined
  readonly resolver: CredentialResolver
  readonly budget: BudgetTracker
  /** Every attempt's headers deadline and every served body's idle deadline, on one timer. */
  readonly deadlines = new Deadlines()
  readonly #overrides: PoolSettingsOverrides
  readonly #pricingOverrides: PriceTable | undefined
  readonly #onEvent: ((event: PoolEvent) => void) | undefined
  readonly #strategies = new Map<string, Strategy>()
  /** Organizations learned from responses, ahead of the store's write. */
  readonly #learned = new Map<string, { organizationId?: string; workspaceId?: string }>()
  readonly #learning = new Set<string>()
  /** Accounts this pool disabled whose write is still in flight. */
  readonly #disabling = new Map<string, string>()
  readonly #lastServed = new Map<string, string>()
  readonly #serviceTrouble = new Map<string, number>()
  readonly #budgetNotified = new Set<string>()
  /** Accounts whose expired cooldowns are being cleared (one write at a time per account). */
  readonly #clearing = new Set<string>()
  readonly #unpricedNotified = new Set<string>()
  /** When each limit group's rate-limit headers were last parsed on a success. */
  readonly #snapshotAt = new Map<string, number>()
  /** Store writes started off the hot path (learned organizations, disabled accounts, cleared cooldowns). */
  readonly #writes = new Set<Promise<unknown>>()
  #pricing: Pricing
  #pricingConfig: StoreConfig["pricing"] | undefined
  /** The store's account list last indexed by id (the store hands out a new list when accounts change). */
  #indexed: readonly Account[] | undefined
  #byId = new Map<string, Account>()
  #settings: PoolSettings | undefined
  #settingsConfig: Readonly<StoreConfig> | undefined
  /** What requests' URLs and models told before (hosts send a handful of each). */
  readonly #messagesUrls = new Map<string, boolean>()
  readonly #modelClasses = new Map<string, string>()
  /** Each account's cooldown keys for the model class, organization and workspace they were made for. */
  readonly #cooldownKeys = new Map<string, CooldownKeys>()

  constructor(options: RuntimeOptions) {
    this.store = options.store
    this.fetch = options.fetch
    this.now = options.now
    this.random = options.random
    this.sleep = options.sleep
    this.host = options.host
    this.directory = options.directory
    this.resolver = options.resolver
    this.#overrides = options.overrides
    this.#pricingOverrides = options.pricing
    this.#onEvent = options.onEvent
    this.budget = new BudgetTracker(options.store, options.now)
    this.#pricing = createPricing(this.#pricingTable())
    this.#pricingConfig = options.store.config.pricing
  }

  /** The user's `config.pricing` first (its globs are tried in order), then the pool's own `pricing` option. */
  #pricingTable(): PriceTable {
    const table: Record<string, PriceTable[string]> = { ...this.store.config.pricing }
    for (const [glob, price] of Object.entries(this.#pricingOverrides ?? {}))
      if (!Object.hasOwn(table, glob)) table[glob] = price
    return table
  }

  /** The price table in force (the store's `config.pricing` over the built-in table), rebuilt when the config changes. */
  get pricing(): Pricing {
    if (this.store.config.pricing !== this.#pricingConfig) {
      this.#pricingConfig = this.store.config.pricing
      this.#pricing = createPricing(this.#pricingTable())
    }
    return this.#pricing
  }

  /** Runs a store write in the background: its failure never reaches a request, `idle()` waits for it. */
  background(write: Promise<unknown>): void {
    const tracked = write.catch(() => {}).finally(() => this.#writes.delete(tracked))
    this.#writes.add(tracked)
  }

  /** Resolves once every background write has settled. */
  async idle(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes])
  }

  /** Whether a request URL is the Messages API's (`…/v1/messages`), whose responses carry usage. */
  isMessages(url: string): boolean {
    let known = this.#messagesUrls.get(url)
    if (known === undefined) {
      known = MESSAGES_PATH.test(pathOf(url))
      if (this.#messagesUrls.size >= MEMO_LIMIT) this.#messagesUrls.clear()
      this.#messagesUrls.set(url, known)
    }
    return known
  }

  /** The model class a request counts against: its model's (`default` without one), in fast mode its fast class. */
  modelClass(model: string | undefined, fast: boolean): string {
    if (model === undefined) return fast ? fastModeClass("default") : "default"
    let known = this.#modelClasses.get(model)
    if (known === undefined) {
      known = modelClassOf(model)
      if (this.#modelClasses.size >= MEMO_LIMIT) this.#modelClasses.clear()
      this.#modelClasses.set(model, known)
    }
    return fast ? fastModeClass(known) : known
  }

  /** The settings in force: the pool's overrides over the store's config, resolved again when the config changes. */
  settings(): PoolSettings {
    const config = this.store.config
    if (this.#settings === undefined || config !== this.#settingsConfig) {
      this.#settings = Object.freeze(resolveSettings(config, this.#overrides))
      this.#settingsConfig = config
    }
    return this.#settings
  }

  /** One strategy instance per name, kept (round-robin remembers its position). */
  strategy(name: StrategyName): Strategy {
    let strategy = this.#strategies.get(name)
    if (strategy === undefined) {
      strategy = createStrategy(name)
      this.#strategies.set(name, strategy)
    }
    return strategy
  }

  emit(event: PoolEvent): void {
    try {
      this.#onEvent?.(event)
    } catch {
      // A listener's failure never breaks a request.
    }
  }

  /** The account with this id as the store has it now (its list, indexed once per version of it). */
  account(id: string): Account | undefined {
    const list = this.store.listAccounts()
    if (list !== this.#indexed) {
      this.#byId = new Map(list.map((account) => [account.id, account]))
      this.#indexed = list
    }
    return this.#byId.get(id)
  }

  /** The organization and workspace an account is known to belong to (learned now or stored). */
  organizationOf(account: Account): { organizationId?: string; workspaceId?: string } {
    // The store's current view: `account` may be a snapshot taken before a learned organization was written.
    return this.#learned.get(account.id) ?? this.account(account.id)?.learned ?? account.learned ?? {}
  }

  /** Whether an account can be a candidate now: enabled, not being disabled, not over its budget. */
  inRotation(account: Account): boolean {
    return account.enabled && !this.#disabling.has(account.id) && !this.budget.isOver(account)
  }

  /** Why an account is disabled (by the user, or by this pool a moment ago), or `undefined` when it is not. */
  disabledReason(account: Account): string | undefined {
    if (this.#disabling.has(account.id)) return this.#disabling.get(account.id)
    return account.enabled ? undefined : (account.disabledReason ?? "disabled by the user")
  }

  candidate(account: Account): Candidate {
    const state = this.store.state.accounts[account.id]
    const org = this.organizationOf(account)
    return {
      id: account.id,
      priority: account.priority,
      organizationId: org.organizationId,
      workspaceId: org.workspaceId,
      health: state?.health,
      bucket: state?.bucket,
      lastUsedAt: state?.lastUsedAt,
      pinned: account.pinned,
    }
  }

  lastServed(modelClass: string): string | undefined {
    return this.#lastServed.get(modelClass)
  }

  /** Records which account served a model class; says so when it changed. */
  served(account: Account, modelClass: string, previousFailure: string | undefined): void {
    const previous = this.#lastServed.get(modelClass)
    this.#serviceTrouble.delete(modelClass)
    if (previous === account.id) return
    this.#lastServed.set(modelClass, account.id)
    const before = previous === undefined ? undefined : this.account(previous)
    const why = previousFailure === undefined ? "" : ` (${previousFailure.replace(/\.$/, "")})`
    this.emit({
      type: "account-switched",
      at: this.now(),
      level: previous === undefined ? "info" : previousFailure === undefined ? "info" : "warning",
      message:
        before === undefined
          ? `keyrelay: account "${account.label}" serves ${modelClass}.`
          : `keyrelay: switched ${modelClass} from "${before.label}" to "${account.label}"${why}.`,
      accountId: account.id,
      label: account.label,
      modelClass,
      ...(before === undefined ? {} : { previousAccountId: before.id, previousLabel: before.label }),
      ...(previousFailure === undefined ? {} : { reason: previousFailure }),
    })
  }

  /**
   * The classification of a 2xx, without the full classifier: a success is `ok` by definition; what it teaches is
   * the organization and workspace (read on every response) and the limit group's snapshot, parsed at most once a
   * second per group (snapshots only ever replace older ones, and a second is far finer than the minute the buckets
   * refill over).
   */
  success(account: Account, modelClass: string, status: number, headers: Headers): Classification {
    const now = this.now()
    const organizationId = validId(headers.get("anthropic-organization-id"))
    const workspaceId = validId(headers.get("anthropic-workspace-id"))
    const key = groupKey(
      { id: account.id, organizationId: organizationId ?? this.organizationOf(account).organizationId },
      modelClass,
    )
    const parsedAt = this.#snapshotAt.get(key)
    const rateLimits =
      parsedAt === undefined || now - parsedAt >= SNAPSHOT_INTERVAL_MS
        ? parseRateLimitHeaders(headers, now)
        : undefined
    if (rateLimits !== undefined) this.#snapshotAt.set(key, now)
    const classification: { -readonly [K in keyof Classification]: Classification[K] } = {
      class: "ok",
      scope: "none",
      action: "return",
      health: "success",
      reason: status === 200 ? SERVED_200 : `HTTP ${status}: served.`,
      status,
    }
    if (organizationId !== undefined) classification.organizationId = organizationId
    if (workspaceId !== undefined) classification.workspaceId = workspaceId
    if (rateLimits !== undefined) classification.rateLimits = rateLimits
    return classification
  }

  /** Whether a service error was seen for this model class recently, so the host's retries are left alone. */
  inServiceTrouble(modelClass: string): boolean {
    const until = this.#serviceTrouble.get(modelClass)
    return until !== undefined && until > this.now()
  }

  serviceTrouble(modelClass: string): void {
    this.#serviceTrouble.set(modelClass, this.now() + SERVICE_TROUBLE_MS)
  }

  /**
   * Records one classified outcome of an account: health, token bucket, the cooldown it charged, the limits it
   * announced, the organization it named; and tells the user what they lose (a cooling group, an exhausted
   * organization). Memory only; the store writes later.
   */
  record(account: Account, classification: Classification, modelClass: string, used: boolean): void {
    const now = this.now()
    const learned = this.#learn(account, classification)
    const state = this.store.state.accounts[account.id]
    const outcome: OutcomeRecord = {
      accountId: account.id,
      at: now,
      class: classification.class,
      reason: classification.reason,
      used,
    }
    if (classification.status !== undefined) outcome.status = classification.status
    if (classification.health !== "none")
      outcome.health = updateHealth(state?.health, classification.health, now)
    if (used) outcome.bucket = takeToken(state?.bucket, now)
    const key = classification.key
    const charged = key !== undefined && classification.cooldown !== undefined
    const previous = key === undefined ? undefined : this.store.state.cooldowns[key]
    if (charged) outcome.cooldowns = { [key]: classification.cooldown as Cooldown }
    const org = learned ?? (charged || classification.rateLimits ? this.organizationOf(account) : undefined)
    if (classification.rateLimits !== undefined) {
      outcome.rateLimits = {
        [groupKey({ id: account.id, organizationId: org?.organizationId }, modelClass)]:
          // rotation-strategies' snapshot is the shape account-store keeps (its schema is loose on purpose).
          classification.rateLimits as unknown as StoreRateLimitSnapshot,
      }
    }
    this.store.recordOutcome(outcome)
    if (charged && (previous === undefined || previous.until <= now))
      this.#announceCooldown(account, classification, org?.organizationId)
  }

  #announceCooldown(account: Account, c: Classification, organizationId: string | undefined): void {
    const until = c.cooldown?.until as number
    const key = c.key as string
    const underlying = c.class === "stream" ? c.underlying : c.class
    const base = { at: this.now(), accountId: account.id, label: account.label, key, until, reason: c.reason }
    if (underlying === "rate-limit") {
      this.emit({
        ...base,
        type: "group-cooling",
        level: "warning",
        message: `keyrelay: "${account.label}" is rate-limited; its limit group waits until ${iso(until)}.`,
      })
    } else if (
      underlying === "credit" ||
      underlying === "billing" ||
      underlying === "spend-limit" ||
      underlying === "spend-cap"
    ) {
      this.emit({
        ...base,
        type: "organization-exhausted",
        level: "error",
        class: underlying,
        ...(organizationId === undefined ? {} : { organizationId }),
        message: `keyrelay: the organization of "${account.label}" is out (${underlying}) until ${iso(until)}: ${c.reason}`,
      })
    }
  }

  #learn(account: Account, c: Classification): { organizationId?: string; workspaceId?: string } | undefined {
    if (c.organizationId === undefined && c.workspaceId === undefined) return undefined
    const known = this.organizationOf(account)
    // Nearly every response names what is already known: nothing to build then.
    if (
      (c.organizationId === undefined || c.organizationId === known.organizationId) &&
      (c.workspaceId === undefined || c.workspaceId === known.workspaceId)
    )
      return known
    const next = {
      ...known,
      ...(c.organizationId === undefined ? {} : { organizationId: c.organizationId }),
      ...(c.workspaceId === undefined ? {} : { workspaceId: c.workspaceId }),
    }
    this.#learned.set(account.id, next)
    if (!this.#learning.has(account.id)) {
      this.#learning.add(account.id)
      const write = async (): Promise<void> => {
        // Writes the latest learned value; loops if a newer one arrived while writing.
        for (;;) {
          const value = this.#learned.get(account.id)
          if (value === undefined) return
          await this.store.learnOrganization(account.id, value)
          if (this.#learned.get(account.id) === value) {
            this.#learned.delete(account.id)
            return
          }
        }
      }
      this.background(write().finally(() => this.#learning.delete(account.id)))
    }
    return next
  }

  /** Takes a revoked key out of the pool (written to the store, in force at once) and says why. */
  disable(account: Account, reason: string): void {
    if (this.#disabling.has(account.id)) return
    const at = this.now()
    const disabledReason = `revoked or expired: 401 at ${iso(at)}`
    this.#disabling.set(account.id, disabledReason)
    this.background(
      this.store
        .updateAccount(account.id, { enabled: false, disabledReason })
        .finally(() => this.#disabling.delete(account.id)),
    )
    this.emit({
      type: "account-disabled",
      at,
      level: "error",
      accountId: account.id,
      label: account.label,
      reason: disabledReason,
      message: `keyrelay: account "${account.label}" was disabled (${disabledReason}): ${reason} Then re-enable it: \`keyrelay enable ${account.label}\`.`,
    })
  }

  /** The keys of every cooldown that can keep the account from serving the model class, made once per combination. */
  #keysOf(account: Account, modelClass: string): readonly string[] {
    const org = this.organizationOf(account)
    const known = this.#cooldownKeys.get(account.id)
    if (
      known !== undefined &&
      known.modelClass === modelClass &&
      known.organizationId === org.organizationId &&
      known.workspaceId === org.workspaceId
    )
      return known.keys
    const keys = candidateCooldownKeys({ id: account.id, ...org }, modelClass)
    this.#cooldownKeys.set(account.id, {
      modelClass,
      organizationId: org.organizationId,
      workspaceId: org.workspaceId,
      keys,
    })
    return keys
  }

  /** Whether a cooldown that keeps this account from serving the model class holds now. */
  isCooling(account: Account, modelClass: string): boolean {
    const now = this.now()
    const cooldowns = this.store.state.cooldowns
    for (const key of this.#keysOf(account, modelClass)) {
      if ((cooldowns[key]?.until ?? 0) > now) return true
    }
    return false
  }

  /** After a success, ends the expired cooldowns of the account so their escalation starts again from step 1. */
  forgetExpiredCooldowns(account: Account, modelClass: string): void {
    const now = this.now()
    const cooldowns = this.store.state.cooldowns
    const stale: string[] = []
    for (const key of this.#keysOf(account, modelClass)) {
      const cooldown = cooldowns[key]
      if (cooldown !== undefined && cooldown.until <= now) stale.push(key)
    }
    if (stale.length === 0 || this.#clearing.has(account.id)) return
    this.#clearing.add(account.id)
    this.background(
      this.store
        .clearCooldowns((key) => stale.includes(key) && (this.store.state.cooldowns[key]?.until ?? 0) <= now)
        .finally(() => this.#clearing.delete(account.id)),
    )
  }

  /** Adds a served request's cost to the month; says so once when it reaches the account's budget. */
  spend(account: Account, microUsd: number | undefined, model: string): void {
    if (microUsd === undefined) {
      if (!this.#unpricedNotified.has(model)) {
        this.#unpricedNotified.add(model)
        this.emit({
          type: "model-unpriced",
          at: this.now(),
          level: "warning",
          model,
          message: `keyrelay: model ${model} has no price; its tokens are counted but not its cost. Add it to config.pricing.`,
        })
      }
      return
    }
    this.budget.add(account, microUsd)
    this.noteBudget(account)
  }

  /** Emits `budget-reached` once per account and month when the account is over its budget. */
  noteBudget(account: Account): void {
    if (!this.budget.isOver(account)) return
    const { month, endsAt } = this.budget.month
    const key = `${account.id}:${month}:${account.monthlyBudgetUsd}`
    if (this.#budgetNotified.has(key)) return
    this.#budgetNotified.add(key)
    const spentUsd = this.budget.spentMicroUsd(account.id) / 1_000_000
    const budgetUsd = account.monthlyBudgetUsd as number
    this.emit({
      type: "budget-reached",
      at: this.now(),
      level: "warning",
      accountId: account.id,
      label: account.label,
      month,
      spentUsd,
      budgetUsd,
      message: `keyrelay: account "${account.label}" reached its monthly budget ($${spentUsd.toFixed(2)} of $${budgetUsd.toFixed(2)}); it is out of rotation until ${iso(endsAt)} or until the budget changes.`,
    })
  }
}

/** An account's cooldown keys, and what they were made for. */
interface CooldownKeys {
  modelClass: string
  organizationId: string | undefined
  workspaceId: string | undefined
  keys: readonly string[]
}

const SNAPSHOT_INTERVAL_MS = 1000
const SERVED_200 = "HTTP 200: served."
/** Entries kept per memo before it starts over (a host sends a handful of URLs and models, not thousands). */
const MEMO_LIMIT = 256
const MESSAGES_PATH = /\/v1\/messages\/?$/
const ID = /^[\w.-]{1,200}$/

/** The path of a URL string, without parsing it. */
function pathOf(url: string): string {
  const start = url.indexOf("//")
  const slash = url.indexOf("/", start < 0 ? 0 : start + 2)
  if (slash < 0) return "/"
  const query = url.indexOf("?", slash)
  return query < 0 ? url.slice(slash) : url.slice(slash, query)
}

function validId(value: string | null): string | undefined {
  const trimmed = value?.trim()
  return trimmed && ID.test(trimmed) ? trimmed : undefined
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")
}
