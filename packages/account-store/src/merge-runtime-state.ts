import { dictionary, getOwn, ownOrCreate, setOwn } from "./_dictionary.ts"
import type { AccountState, Cooldown, RateLimitSnapshot, StateFile } from "./_state-file.ts"
import type { UsageCounters, UsageFile } from "./_usage-file.ts"

/**
 * Merges two records of one cooldown key, as two processes that disagree must: the later `until` wins with its
 * `class`, `reason` and `since` (a cooldown is never shortened), and the higher `level` of the two is kept (an
 * escalation is never lost). rotation-strategies' `mergeCooldown` is the same rule; this is the copy the store
 * needs without depending on a sibling. Where rotation-strategies lets `incoming` win an exact tie of `until`, a
 * fixed order (`since`, then `class`, then `reason`) decides here, so that the merge is commutative, associative
 * and idempotent and every process converges on the same record whatever order they flush in.
 *
 * @example
 * ```ts
 * const ended = { until: 1_000, level: 3, class: "credit", reason: "credit balance too low", since: 0 }
 * const later = { until: 9_000, level: 1, class: "credit", reason: "credit balance too low", since: 8_000 }
 * mergeCooldown(ended, later) // { ...later, level: 3 }
 * ```
 */
export function mergeCooldown(a: Cooldown | undefined, b: Cooldown | undefined): Cooldown | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  const later = greater(a, b, COOLDOWN_ORDER)
  const level = Math.max(a.level, b.level)
  return later.level === level ? later : { ...later, level }
}

/** JSON with keys sorted at every level, so equal content compares equal whatever order it was built in. */
function canonical(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null"
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`
}

/** On an exact tie of timestamps, any fixed order will do as long as every process uses the same one. */
function tieBreak<T>(a: T, b: T): T {
  return canonical(a) >= canonical(b) ? a : b
}

/** Compares field by field; the first difference decides, in favour of the greater value. */
function greater<T>(a: T, b: T, fields: readonly ((value: T) => number | string | undefined)[]): T {
  for (const field of fields) {
    const x = field(a) ?? ""
    const y = field(b) ?? ""
    if (x !== y) return x > y ? a : b
  }
  return a
}

type Health = NonNullable<AccountState["health"]>
type Bucket = NonNullable<AccountState["bucket"]>
type Outcome = NonNullable<AccountState["lastOutcome"]>
// Cheap total orders for what the hot path merges many times per millisecond (canonical JSON costs microseconds).
const HEALTH_ORDER = [(h: Health) => h.updatedAt, (h: Health) => h.score] as const
const BUCKET_ORDER = [(b: Bucket) => b.updatedAt, (b: Bucket) => b.tokens] as const
const OUTCOME_ORDER = [
  (o: Outcome) => o.at,
  (o: Outcome) => o.class,
  (o: Outcome) => o.status,
  (o: Outcome) => o.reason,
] as const
// Without `level`: it is merged on its own (the maximum), whichever record carries the rest.
const COOLDOWN_ORDER = [
  (c: Cooldown) => c.until,
  (c: Cooldown) => c.since,
  (c: Cooldown) => c.class,
  (c: Cooldown) => c.reason,
] as const

function newer<T>(
  a: T | undefined,
  b: T | undefined,
  order: readonly ((value: T) => number | string | undefined)[],
): T | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return greater(a, b, order)
}

function newestSnapshot(a: RateLimitSnapshot | undefined, b: RateLimitSnapshot): RateLimitSnapshot {
  if (a === undefined) return b
  if (a.observedAt !== b.observedAt) return b.observedAt > a.observedAt ? b : a
  return tieBreak(a, b)
}

export function mergeAccountState(a: AccountState | undefined, b: AccountState): AccountState {
  if (a === undefined) return { ...b }
  const merged: AccountState = {}
  const health = newer(a.health, b.health, HEALTH_ORDER)
  const bucket = newer(a.bucket, b.bucket, BUCKET_ORDER)
  const lastUsedAt = Math.max(a.lastUsedAt ?? -1, b.lastUsedAt ?? -1)
  const lastOutcome = newer(a.lastOutcome, b.lastOutcome, OUTCOME_ORDER)
  if (health) merged.health = health
  if (bucket) merged.bucket = bucket
  if (lastUsedAt >= 0) merged.lastUsedAt = lastUsedAt
  if (lastOutcome) merged.lastOutcome = lastOutcome
  return merged
}

/**
 * How long ended cooldowns are remembered, at one instant: a record whose `until` is more than `forgetAfterMs`
 * before `now` is forgotten. Until then an ended record is kept, because it is what the next failure of its key
 * escalates from (rotation-strategies restarts a ladder `forgetAfterMs` after its last cooldown ended).
 */
export interface CooldownMemory {
  now: number
  forgetAfterMs: number
}

/** Whether every ladder has forgotten this record (it ended more than `forgetAfterMs` ago). */
export function isForgotten(cooldown: Cooldown, memory: CooldownMemory): boolean {
  return memory.now - cooldown.until > memory.forgetAfterMs
}

/**
 * Folds `incoming` into `target` by the cross-process rules: health and bucket by newest `updatedAt`, last use by
 * maximum, cooldowns by `mergeCooldown`, rate-limit snapshots by newest `observedAt`, exact ties by a fixed order.
 * Commutative, associative and idempotent, so the order in which processes flush does not matter.
 *
 * A forgotten cooldown (on either side) takes no part: merged with the first step of a ladder that restarted, its
 * higher level would carry the restarted ladder straight back to where the old one stopped.
 */
export function mergeStateInto(
  target: Omit<StateFile, "version">,
  incoming: Omit<StateFile, "version">,
  memory: CooldownMemory,
): void {
  for (const [id, state] of Object.entries(incoming.accounts)) {
    setOwn(target.accounts, id, mergeAccountState(getOwn(target.accounts, id), state))
  }
  for (const [key, cooldown] of Object.entries(incoming.cooldowns)) {
    if (isForgotten(cooldown, memory)) continue
    const existing = getOwn(target.cooldowns, key)
    const live = existing === undefined || isForgotten(existing, memory) ? undefined : existing
    setOwn(target.cooldowns, key, mergeCooldown(live, cooldown)!)
  }
  for (const [key, snapshot] of Object.entries(incoming.rateLimits)) {
    setOwn(target.rateLimits, key, newestSnapshot(getOwn(target.rateLimits, key), snapshot))
  }
}

export function emptyCounters(): UsageCounters {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    costMicroUsd: 0,
    unpricedRequests: 0,
  }
}

export function addCounters(target: UsageCounters, delta: UsageCounters): void {
  target.requests += delta.requests
  target.inputTokens += delta.inputTokens
  target.outputTokens += delta.outputTokens
  target.cacheWrite5mTokens += delta.cacheWrite5mTokens
  target.cacheWrite1hTokens += delta.cacheWrite1hTokens
  target.cacheReadTokens += delta.cacheReadTokens
  target.webSearchRequests += delta.webSearchRequests
  target.costMicroUsd += delta.costMicroUsd
  target.unpricedRequests += delta.unpricedRequests
}

/** The counters cell for one day × account × model × project, created empty when missing. */
export function usageCell(
  days: UsageFile["days"],
  day: string,
  accountId: string,
  model: string,
  project: string,
): UsageCounters {
  const byAccount = ownOrCreate(days, day, dictionary<UsageFile["days"][string][string]>)
  const byModel = ownOrCreate(byAccount, accountId, dictionary<UsageFile["days"][string][string][string]>)
  const byProject = ownOrCreate(byModel, model, dictionary<UsageCounters>)
  return ownOrCreate(byProject, project, emptyCounters)
}

/** Adds usage deltas into `target` (sums: two processes' deltas both count, nothing is lost or doubled). */
export function addUsageInto(target: UsageFile["days"], deltas: UsageFile["days"]): void {
  for (const [day, byAccount] of Object.entries(deltas)) {
    for (const [accountId, byModel] of Object.entries(byAccount)) {
      for (const [model, byProject] of Object.entries(byModel)) {
        for (const [project, counters] of Object.entries(byProject)) {
          addCounters(usageCell(target, day, accountId, model, project), counters)
        }
      }
    }
  }
}

const ACCOUNT_KEY = /^acct:(acc_[a-z2-7]{16})(?:\||$)/

/** The account a cooldown or rate-limit key is scoped to (`acct:<id>` or `acct:<id>|<class>`), if any. */
export function accountOfKey(key: string): string | undefined {
  return ACCOUNT_KEY.exec(key)?.[1]
}

/**
 * Drops forgotten cooldowns and everything that belongs to a removed account. Ended cooldowns stay until they are
 * forgotten: readers skip them (a cooldown holds while `until > now`), ladders escalate from them. What remains is
 * bounded: per key, one record that holds or ended less than `forgetAfterMs` ago.
 */
export function pruneState(
  state: Omit<StateFile, "version">,
  memory: CooldownMemory,
  isRemoved: (id: string) => boolean,
): void {
  for (const id of Object.keys(state.accounts)) if (isRemoved(id)) delete state.accounts[id]
  for (const [key, cooldown] of Object.entries(state.cooldowns)) {
    const owner = accountOfKey(key)
    if (isForgotten(cooldown, memory) || (owner !== undefined && isRemoved(owner)))
      delete state.cooldowns[key]
  }
  for (const key of Object.keys(state.rateLimits)) {
    const owner = accountOfKey(key)
    if (owner !== undefined && isRemoved(owner)) delete state.rateLimits[key]
  }
}

/** Drops usage of removed accounts and days older than the retention window. */
export function pruneUsage(
  days: UsageFile["days"],
  oldestDayKept: string,
  isRemoved: (id: string) => boolean,
): void {
  for (const [day, byAccount] of Object.entries(days)) {
    if (day < oldestDayKept) {
      delete days[day]
      continue
    }
    for (const id of Object.keys(byAccount)) if (isRemoved(id)) delete byAccount[id]
    if (Object.keys(byAccount).length === 0) delete days[day]
  }
}

const DAY_MS = 86_400_000
let cachedDayStart = Number.NaN
let cachedDay = ""

/** `YYYY-MM-DD` of an instant in UTC; the current day is cached (formatting a Date dominated the hot path). */
export function utcDay(at: number): string {
  if (at >= cachedDayStart && at < cachedDayStart + DAY_MS) return cachedDay
  const day = new Date(at).toISOString().slice(0, 10)
  cachedDayStart = Math.floor(at / DAY_MS) * DAY_MS
  cachedDay = day
  return day
}
