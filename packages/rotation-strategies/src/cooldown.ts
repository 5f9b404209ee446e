import type { KeyedMap } from "./_entries.ts"
import type { FailureClass } from "./failure-class.ts"

/**
 * A period during which a cooldown key (an account, a limit group, an organization…) is not used. This is the
 * record account-store keeps under the key.
 */
export interface Cooldown {
  /**
   * Not used before this time, epoch ms. A record whose `until` is not after now keeps nothing out; a transport
   * fault leaves one (`until` = the fault's time) so that the next fault of the account knows it is not the first.
   */
  readonly until: number
  /** How many failures in a row this key has had; picks the next step of an escalating backoff. */
  readonly level: number
  /** The failure class that set it. */
  readonly class: FailureClass
  /** A human reason, safe to show (no secret). */
  readonly reason: string
  /** When it was set, epoch ms. */
  readonly since: number
}

/** The least a strategy needs to know of a cooldown; records from older versions may lack the rest. */
export interface CooldownLike {
  readonly until: number
  readonly level?: number
  readonly class?: string
  readonly reason?: string
  readonly since?: number
}

/** Cooldowns by key ({@link cooldownKey}), as a `Map` or a plain record (account-store's `state.cooldowns`). */
export type CooldownMap = KeyedMap<CooldownLike>

/**
 * Merges two cooldowns of one key so that a cooldown is never shortened: the later `until` wins (with its class,
 * reason and `since`; on a tie, `incoming`), and the higher `level` is kept. account-store merges records
 * across processes with this same rule.
 *
 * @example
 * mergeCooldown(existing, incoming).until >= Math.max(existing.until, incoming.until) // always true
 */
export function mergeCooldown<T extends CooldownLike>(existing: T | undefined, incoming: T): T
export function mergeCooldown<T extends CooldownLike>(existing: T, incoming: T | undefined): T
export function mergeCooldown<T extends CooldownLike>(
  existing: T | undefined,
  incoming: T | undefined,
): T | undefined
export function mergeCooldown<T extends CooldownLike>(
  existing: T | undefined,
  incoming: T | undefined,
): T | undefined {
  if (existing === undefined || existing === null) return incoming
  if (incoming === undefined || incoming === null) return existing
  const later = timeOf(existing.until) > timeOf(incoming.until) ? existing : incoming
  const level = Math.max(levelOf(existing.level), levelOf(incoming.level))
  return levelOf(later.level) === level ? later : { ...later, level }
}

function timeOf(until: number): number {
  return typeof until === "number" && !Number.isNaN(until) ? until : Number.NEGATIVE_INFINITY
}

function levelOf(level: number | undefined): number {
  return typeof level === "number" && level > 0 && Number.isFinite(level) ? Math.floor(level) : 0
}

/** Whether `cooldown` still holds at `now`. */
export function isCooling(cooldown: CooldownLike | undefined, now: number): boolean {
  return cooldown !== undefined && cooldown !== null && cooldown.until > now
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/**
 * How long each kind of failure keeps its scope out of use. Ladders are escalating backoffs: the n-th failure in
 * a row of one key waits `ladder[n - 1]` (the last step repeats), shortened by up to `jitter` (a share, as the
 * official SDK does) so processes do not re-probe in step.
 */
export interface CooldownPolicy {
  /** 401 and subscription tokens: the account. */
  readonly auth: readonly number[]
  /** 403: the account for the model class. */
  readonly permission: readonly number[]
  /** Credit too low and 402 billing: the organization is re-probed this often. */
  readonly credit: readonly number[]
  /** A spend limit you set: re-probed this often, never past 00:00 UTC on the 1st of next month. */
  readonly spendLimit: readonly number[]
  /** 429 without `retry-after` or reset headers: the limit group. */
  readonly rateLimit: readonly number[]
  /**
   * Transport faults (a network error or no response headers in time, a redirect): the account, but only once
   * faults repeat. The first fault is remembered, not cooled; the n-th fault in a row (n ≥ 2, each within
   * `transportWindowMs` of the previous one, no success between) waits `transport[n - 2]`.
   */
  readonly transport: readonly number[]
  /**
   * How long an account's last transport fault (or the end of its transport cooldown) is remembered: a fault
   * later than this, with no success in between, counts as isolated again.
   */
  readonly transportWindowMs: number
  /** Share of a ladder step removed at random, in [0, 1). */
  readonly jitter: number
  /** Longest cooldown taken from a response header; garbage beyond this is capped. */
  readonly maxHeaderCooldownMs: number
  /** A key whose last cooldown ended longer ago than this starts its ladder again (transport: `transportWindowMs`). */
  readonly forgetAfterMs: number
}

/**
 * The cooldown policy keyrelay ships: credit/billing 1 min → 5 min → 30 min → 2 h; spend limit 15 min → 1 h →
 * 6 h; permission 5 min → 30 min → 2 h; auth 5 min → 30 min → 2 h → 6 h; rate limit without headers 5 s →
 * 15 s → 1 min → 5 min; transport: none for an isolated fault, then 5 s → 30 s → 2 min for the 2nd, 3rd, 4th…
 * fault in a row within 60 s of each other; jitter 25 %; header cooldowns capped at 24 h; other ladders forgotten
 * 24 h after the last cooldown ended.
 */
export const DEFAULT_COOLDOWN_POLICY: CooldownPolicy = Object.freeze({
  auth: Object.freeze([5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR]),
  permission: Object.freeze([5 * MINUTE, 30 * MINUTE, 2 * HOUR]),
  credit: Object.freeze([MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR]),
  spendLimit: Object.freeze([15 * MINUTE, HOUR, 6 * HOUR]),
  rateLimit: Object.freeze([5_000, 15_000, MINUTE, 5 * MINUTE]),
  transport: Object.freeze([5_000, 30_000, 2 * MINUTE]),
  transportWindowMs: MINUTE,
  jitter: 0.25,
  maxHeaderCooldownMs: 24 * HOUR,
  forgetAfterMs: 24 * HOUR,
})

/**
 * The delay of step `level` (1-based) of an escalating `ladder`, shortened by up to `jitter` of itself.
 *
 * @example
 * backoffDelay(DEFAULT_COOLDOWN_POLICY.credit, 2, () => 0) // 300000 (5 min)
 */
export function backoffDelay(
  ladder: readonly number[],
  level: number,
  random: () => number,
  jitter: number = DEFAULT_COOLDOWN_POLICY.jitter,
): number {
  if (ladder.length === 0) return 0
  const step = Math.min(Math.max(1, Math.floor(level) || 1), ladder.length) - 1
  const base = ladder[step]!
  const share = Math.min(Math.max(jitter, 0), 1)
  const r = random()
  const roll = r >= 0 && r < 1 ? r : 0
  return Math.round(base * (1 - share * roll))
}

/**
 * 00:00 UTC on the first day of the month after `now`: when a monthly spend cap or spend limit lifts.
 *
 * @see reference/anthropic-api.md §3 "Spend limits"
 * @example
 * new Date(nextMonthStartUtc(Date.UTC(2026, 9, 8))).toISOString() // "2026-11-01T00:00:00.000Z"
 */
export function nextMonthStartUtc(now: number): number {
  const date = new Date(Number.isFinite(now) ? now : 0)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
}
