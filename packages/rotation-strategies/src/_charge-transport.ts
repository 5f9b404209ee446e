import { getEntry } from "./_entries.ts"
import { formatDuration, formatInstant } from "./_format.ts"
import type { Classification, ClassifyContext, Draft } from "./classification.ts"
import { backoffDelay, type Cooldown, type CooldownLike, DEFAULT_COOLDOWN_POLICY } from "./cooldown.ts"
import { cooldownKey } from "./cooldown-key.ts"
import { FAILURE_CLASSES, type FailureClass } from "./failure-class.ts"

/**
 * Charges a transport fault (a network error or no response headers in time, a redirect, no valid status) to its
 * account: the next account is tried and health drops every time, but an isolated fault takes nobody out. It
 * leaves a record that ended when it was made (`until` = now, level 1), which keeps nothing out and tells the next
 * fault it is not the first; the n-th fault in a row (n ≥ 2, each within `transportWindowMs` of the previous one's
 * record, no success between) cools the account for `transport[n - 2]`. A success ends the run: the pool clears
 * the ended record, and `context.lastOutcome` says so at once. A fault while the account is already out belongs
 * to a request sent before that: the same incident, so nothing escalates. Internal.
 *
 * @see DESIGN.md "What each failure gets" (network error before headers: next account once; health penalty)
 */
export function chargeTransport(draft: Draft, context: ClassifyContext, what: string): Classification {
  const policy = context.policy ?? DEFAULT_COOLDOWN_POLICY
  const now = context.now
  draft.class = "transport"
  draft.scope = "account"
  draft.action = "next-account"
  draft.health = "failure"
  const key = context.account ? cooldownKey("account", { accountId: context.account.id }) : undefined
  const previous = key === undefined ? undefined : getEntry(context.cooldowns, key)
  if (key !== undefined) draft.key = key

  if (previous !== undefined && timeOf(previous.until) > now) {
    const until = previous.until
    draft.reason = `${what}, on a request sent before this account was taken out; it stays out until ${formatInstant(until)} and the next one is tried.`
    draft.cooldown = {
      until,
      level: levelOf(previous.level),
      class: classOf(previous.class),
      reason: typeof previous.reason === "string" ? previous.reason : draft.reason,
      since: typeof previous.since === "number" ? previous.since : now,
    }
    return draft
  }

  const window = windowOf(policy.transportWindowMs)
  const level = streakOf(previous, context, window) + 1
  const until =
    level < 2
      ? now
      : now + backoffDelay(policy.transport, level - 1, context.random ?? Math.random, policy.jitter)
  draft.reason =
    until > now
      ? `${what}, ${level} in a row on this account; it is skipped until ${formatInstant(until)} and the next one is tried.`
      : `${what}; the next account is tried. An isolated fault keeps no account out; another within ${formatDuration(window)}, before this account serves again, would.`
  draft.cooldown = { until, level, class: "transport", reason: draft.reason, since: now }
  return draft
}

/** How many transport faults in a row the account has had, by its record and, when given, its last outcome. */
function streakOf(previous: CooldownLike | undefined, context: ClassifyContext, window: number): number {
  const now = context.now
  const recorded =
    previous !== undefined && previous.class === "transport" && now - timeOf(previous.until) <= window
      ? isRunOfOne(previous)
        ? 1
        : levelOf(previous.level)
      : 0
  const last = context.lastOutcome
  if (last === undefined || last === null) return recorded
  if (last.class === "ok") return 0
  if (last.class === "transport" && typeof last.at === "number" && now - last.at <= window)
    return Math.max(recorded, 1)
  return recorded
}

/**
 * Whether the record is the zero-length one an isolated fault leaves (`until` = `since`): a run of one fault. Its
 * level says nothing then: stores that merge cooldowns across processes keep the higher level of two records, so
 * an isolated fault recorded over an older run's ended record may carry that run's level.
 */
function isRunOfOne(record: CooldownLike): boolean {
  return typeof record.since === "number" && record.since === record.until
}

function timeOf(until: number): number {
  return typeof until === "number" && !Number.isNaN(until) ? until : Number.NEGATIVE_INFINITY
}

function levelOf(level: CooldownLike["level"]): number {
  return typeof level === "number" && level > 0 && Number.isFinite(level) ? Math.floor(level) : 0
}

function windowOf(ms: number | undefined): number {
  return typeof ms === "number" && ms >= 0 ? ms : DEFAULT_COOLDOWN_POLICY.transportWindowMs
}

function classOf(value: string | undefined): Cooldown["class"] {
  return (FAILURE_CLASSES as readonly string[]).includes(value ?? "") ? (value as FailureClass) : "transport"
}
