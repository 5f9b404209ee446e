import { copyData, dictionary, getOwn, setOwn } from "./_dictionary.ts"
import type { AccountState, Cooldown, RateLimitSnapshot, StateFile } from "./_state-file.ts"
import { readUsageDay, type UsageCounters, type UsageFile } from "./_usage-file.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError } from "./account-store-error.ts"
import {
  addCounters,
  addUsageInto,
  type CooldownMemory,
  emptyCounters,
  mergeAccountState,
  mergeStateInto,
  usageCell,
  utcDay,
} from "./merge-runtime-state.ts"

/** What one request did to an account, as pool-fetch reports it after classifying the response. */
export interface OutcomeRecord {
  accountId: string
  /** When it happened (epoch ms); defaults to the store's clock. */
  at?: number
  /** The response class (`ok`, `rate-limit`, `auth`, …) remembered as the account's last outcome. */
  class?: string
  status?: number
  reason?: string
  /** Whether the account served a request (sets `lastUsedAt`); defaults to true. */
  used?: boolean
  health?: { score: number; updatedAt: number }
  bucket?: { tokens: number; updatedAt: number }
  /** Cooldowns to set, by rotation-strategies' `cooldownKey(...)`; merged so none is ever shortened. */
  cooldowns?: Record<string, Cooldown>
  /** Latest rate-limit snapshots by limit-group key; the newest `observedAt` wins. */
  rateLimits?: Record<string, RateLimitSnapshot>
}

/** Tokens and cost of one request, added to account × model × project × UTC day. */
export interface UsageRecord {
  accountId: string
  model: string
  /** The project (usually its directory); `-` when unknown. */
  project?: string
  at?: number
  /** Defaults to 1. */
  requests?: number
  inputTokens?: number
  outputTokens?: number
  cacheWrite5mTokens?: number
  cacheWrite1hTokens?: number
  cacheReadTokens?: number
  webSearchRequests?: number
  /** Cost in millionths of a USD; `null` or absent counts the request in `unpricedRequests`. */
  costMicroUsd?: number | null
}

type PendingState = Omit<StateFile, "version">

export interface Batch {
  state: PendingState
  usage: UsageFile["days"]
  hasState: boolean
  hasUsage: boolean
  stateCommitted: boolean
  usageCommitted: boolean
}

function emptyPending(): PendingState {
  return { accounts: dictionary(), cooldowns: dictionary(), rateLimits: dictionary() }
}

function count(value: number | undefined, field: string): number {
  if (value === undefined) return 0
  if (!Number.isFinite(value) || value < 0) {
    throw new AccountStoreError(
      ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
      `recordUsage: ${field} must be a non-negative number; got ${value}.`,
    )
  }
  return Math.round(value)
}

/** What `RuntimeState` needs from the store. */
export interface RuntimeStateOptions {
  /** The store's clock. */
  now: () => number
  /** How long an ended cooldown is remembered (see `CooldownMemory`). */
  forgetCooldownsAfterMs: number
  /** A day of usage read from disk failed its check. */
  onInvalidUsage?: () => void
}

/**
 * The in-memory runtime state of one process: a view (what was last read from disk plus this process's changes)
 * and the pending changes not yet written. Recording touches memory only. Every map in it is a `dictionary()`:
 * its keys (account ids, model ids, projects, organization ids) come from outside.
 *
 * Usage read for viewing is checked a day at a time, the first time a day is read or recorded into: routing a
 * request or showing this month's spend does not validate a year of history. A day that fails the check drops the
 * view to this process's own usage and calls `onInvalidUsage`; the store then validates the file whole under the
 * lock, which moves it aside if it is corrupt, as it would have at open.
 */
export class RuntimeState {
  state: StateFile = { version: 1, ...emptyPending() }
  #usage: UsageFile = { version: 1, days: dictionary() }
  /** Days of `#usage` read from disk and not validated yet. */
  #unchecked = new Set<string>()
  readonly #onInvalidUsage: () => void
  readonly #now: () => number
  readonly #forgetAfterMs: number
  #pending = emptyPending()
  #pendingUsage: UsageFile["days"] = dictionary()
  #hasState = false
  #hasUsage = false
  inflight: Batch | undefined

  constructor(options: RuntimeStateOptions) {
    this.#now = options.now
    this.#forgetAfterMs = options.forgetCooldownsAfterMs
    this.#onInvalidUsage = options.onInvalidUsage ?? (() => {})
  }

  /** Which cooldowns are forgotten at `now` (by default the store's clock now). */
  memory(now = this.#now()): CooldownMemory {
    return { now, forgetAfterMs: this.#forgetAfterMs }
  }

  /**
   * Validates a day of the view on first use, rebuilding its maps without a prototype; false when it was invalid
   * (the view was reset).
   */
  #checkDay(day: string): boolean {
    if (!this.#unchecked.delete(day)) return true
    const read = readUsageDay(this.#usage.days[day])
    if (read.ok) {
      this.#usage.days[day] = read.day
      return true
    }
    this.#unchecked.clear()
    this.#usage = { version: 1, days: copyData(this.#pendingUsage) }
    const inflight = this.inflight
    if (inflight?.hasUsage && !inflight.usageCommitted) addUsageInto(this.#usage.days, inflight.usage)
    this.#onInvalidUsage()
    return false
  }

  /** The usage view for days `from`–`to` (inclusive, `YYYY-MM-DD`; open-ended when absent), each day validated. */
  usageDays(from?: string, to?: string): UsageFile["days"] {
    const days: UsageFile["days"] = dictionary()
    for (const day of Object.keys(this.#usage.days)) {
      if ((from !== undefined && day < from) || (to !== undefined && day > to)) continue
      if (!this.#checkDay(day)) return this.usageDays(from, to)
      days[day] = this.#usage.days[day]!
    }
    return days
  }

  get dirty(): boolean {
    return this.#hasState || this.#hasUsage
  }

  recordOutcome(record: OutcomeRecord, now: number): void {
    const at = record.at ?? now
    const change: AccountState = {}
    if (record.used !== false) change.lastUsedAt = at
    if (record.class !== undefined) {
      change.lastOutcome = { class: record.class, at }
      if (record.status !== undefined) change.lastOutcome.status = record.status
      if (record.reason !== undefined) change.lastOutcome.reason = record.reason
    }
    if (record.health) change.health = { score: record.health.score, updatedAt: record.health.updatedAt }
    if (record.bucket) change.bucket = { tokens: record.bucket.tokens, updatedAt: record.bucket.updatedAt }
    const id = record.accountId
    setOwn(this.#pending.accounts, id, mergeAccountState(getOwn(this.#pending.accounts, id), change))
    setOwn(this.state.accounts, id, mergeAccountState(getOwn(this.state.accounts, id), change))
    if (record.cooldowns !== undefined || record.rateLimits !== undefined) {
      const partial: PendingState = {
        accounts: dictionary(),
        cooldowns: record.cooldowns ?? dictionary(),
        rateLimits: record.rateLimits ?? dictionary(),
      }
      const memory = this.memory(now)
      mergeStateInto(this.#pending, partial, memory)
      mergeStateInto(this.state, partial, memory)
    }
    this.#hasState = true
  }

  recordUsage(record: UsageRecord, now: number): void {
    const delta: UsageCounters = emptyCounters()
    delta.requests = record.requests === undefined ? 1 : count(record.requests, "requests")
    delta.inputTokens = count(record.inputTokens, "inputTokens")
    delta.outputTokens = count(record.outputTokens, "outputTokens")
    delta.cacheWrite5mTokens = count(record.cacheWrite5mTokens, "cacheWrite5mTokens")
    delta.cacheWrite1hTokens = count(record.cacheWrite1hTokens, "cacheWrite1hTokens")
    delta.cacheReadTokens = count(record.cacheReadTokens, "cacheReadTokens")
    delta.webSearchRequests = count(record.webSearchRequests, "webSearchRequests")
    if (record.costMicroUsd === null || record.costMicroUsd === undefined)
      delta.unpricedRequests = delta.requests
    else delta.costMicroUsd = count(record.costMicroUsd, "costMicroUsd")
    if (typeof record.model !== "string" || record.model === "") {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        "recordUsage: model must be a model id.",
      )
    }
    const day = utcDay(record.at ?? now)
    const project = record.project || "-"
    addCounters(usageCell(this.#pendingUsage, day, record.accountId, record.model, project), delta)
    if (this.#checkDay(day))
      addCounters(usageCell(this.#usage.days, day, record.accountId, record.model, project), delta)
    this.#hasUsage = true
  }

  /** Hands the pending changes to a flush; new records start a fresh batch. */
  take(): Batch {
    const batch: Batch = {
      state: this.#pending,
      usage: this.#pendingUsage,
      hasState: this.#hasState,
      hasUsage: this.#hasUsage,
      stateCommitted: false,
      usageCommitted: false,
    }
    this.#pending = emptyPending()
    this.#pendingUsage = dictionary()
    this.#hasState = false
    this.#hasUsage = false
    this.inflight = batch
    return batch
  }

  /** Puts back what a failed flush did not commit; usage already on disk is never re-added (no double count). */
  restore(batch: Batch): void {
    if (this.inflight === batch) this.inflight = undefined
    if (batch.hasState && !batch.stateCommitted) {
      mergeStateInto(batch.state, this.#pending, this.memory())
      this.#pending = batch.state
      this.#hasState = true
    }
    if (batch.hasUsage && !batch.usageCommitted) {
      addUsageInto(batch.usage, this.#pendingUsage)
      this.#pendingUsage = batch.usage
      this.#hasUsage = true
    }
  }

  settle(batch: Batch): void {
    if (this.inflight === batch) this.inflight = undefined
  }

  /** The pending changes, for a flush that must include them (the synchronous exit flush). */
  pending(): { state: PendingState; usage: UsageFile["days"]; hasState: boolean; hasUsage: boolean } {
    return {
      state: this.#pending,
      usage: this.#pendingUsage,
      hasState: this.#hasState,
      hasUsage: this.#hasUsage,
    }
  }

  clearPending(): void {
    this.#pending = emptyPending()
    this.#pendingUsage = dictionary()
    this.#hasState = false
    this.#hasUsage = false
  }

  /** Replaces the view with what is on disk, then re-applies this process's unwritten changes on top. */
  replaceState(disk: StateFile): void {
    mergeStateInto(disk, this.#pending, this.memory())
    this.state = disk
  }

  /** `checked`: every day of `disk` was validated already; otherwise each is, on first use. */
  replaceUsage(disk: UsageFile, checked: boolean): void {
    this.#usage = disk
    this.#unchecked = checked ? new Set() : new Set(Object.keys(disk.days))
    // Days this process adds to are validated before its own counters go on top.
    for (const day of Object.keys(this.#pendingUsage)) if (!this.#checkDay(day)) return
    addUsageInto(disk.days, this.#pendingUsage)
  }

  /** Forgets everything about removed accounts, pending or not. */
  forget(prune: (state: PendingState, days: UsageFile["days"]) => void): void {
    prune(this.#pending, this.#pendingUsage)
    prune(this.state, this.#usage.days)
  }
}
