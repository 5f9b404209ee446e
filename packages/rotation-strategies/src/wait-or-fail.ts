import { getEntry } from "./_entries.ts"
import { formatDuration, formatInstant } from "./_format.ts"
import type { CooldownLike } from "./cooldown.ts"
import { candidateCooldownKeys } from "./cooldown-key.ts"
import { FAILURE_CLASSES, type FailureClass } from "./failure-class.ts"
import type { Candidate, NoCandidate, PickContext, Unavailable } from "./strategy.ts"

/**
 * Why each candidate is out and when the first is free again. Built only when a pick finds nobody, so the
 * common path allocates nothing. Internal to the package (strategies return it).
 */
export function unavailableReport(candidates: readonly Candidate[], context: PickContext): NoCandidate {
  const now = context.now
  const avoid: ReadonlySet<string> | undefined =
    context.avoid === undefined || context.avoid instanceof Set
      ? (context.avoid as ReadonlySet<string> | undefined)
      : new Set(context.avoid)
  const unavailable: Unavailable[] = []
  let earliest: number | null = null
  for (const candidate of candidates) {
    if (context.exclude?.has(candidate.id)) {
      unavailable.push({
        id: candidate.id,
        cause: "excluded",
        reason: "already tried for this request",
        until: null,
      })
      continue
    }
    let latestKey: string | undefined
    let latest: CooldownLike | undefined
    let avoided = false
    for (const key of candidateCooldownKeys(candidate, context.modelClass)) {
      if (avoid?.has(key)) avoided = true
      const cooldown = getEntry(context.cooldowns, key)
      if (cooldown && cooldown.until > now && (latest === undefined || cooldown.until > latest.until)) {
        latest = cooldown
        latestKey = key
      }
    }
    if (!avoided && latest === undefined) continue
    const until = latest ? latest.until : now
    const cls =
      latest && (FAILURE_CLASSES as readonly string[]).includes(latest.class ?? "")
        ? (latest.class as FailureClass)
        : undefined
    const why = latest
      ? typeof latest.reason === "string" && latest.reason !== ""
        ? latest.reason
        : `cooling down${cls ? ` after ${cls}` : ""} until ${formatInstant(until)}`
      : "its limit group was just refused; another group is tried first"
    unavailable.push({
      id: candidate.id,
      cause: avoided ? "avoided" : "cooldown",
      ...(cls === undefined ? {} : { class: cls }),
      reason: why,
      ...(latestKey === undefined ? {} : { key: latestKey }),
      until,
    })
    if (earliest === null || until < earliest) earliest = until
  }
  unavailable.sort(byUntil)
  return { unavailable, earliest }
}

function byUntil(a: Unavailable, b: Unavailable): number {
  if (a.until === b.until) return 0
  if (a.until === null) return 1
  if (b.until === null) return -1
  return a.until - b.until
}

/** Options of {@link formatUnavailable}. */
export interface FormatUnavailableOptions {
  /** Current time, epoch ms, for "in 20 s". */
  readonly now: number
  /** How to name an account (a label); defaults to its id. Must not return a secret. */
  readonly label?: ((id: string) => string) | undefined
  /** How many accounts to list before "and N more"; default 5. */
  readonly limit?: number | undefined
}

/**
 * A message for people when no account can serve: when capacity returns (the earliest time, absolute and
 * relative) and why each account is out. Suits an error the caller throws when the wait would exceed its budget.
 *
 * @example
 * const choice = strategy.pick(candidates, context)
 * if (typeof choice !== "string") throw new Error(formatUnavailable(choice, { now: Date.now() }))
 * // "No account can serve this request before 2026-10-08T12:00:05Z (in 20 s). acc_a: 429 rate_limit_error: …"
 */
export function formatUnavailable(result: NoCandidate, options: FormatUnavailableOptions): string {
  const label = options.label ?? ((id: string) => id)
  const limit = Math.max(1, Math.floor(options.limit ?? 5))
  if (result.unavailable.length === 0)
    return "No account can serve this request: the pool has no candidate for it."
  const head =
    result.earliest === null
      ? "No account can serve this request: every candidate was already tried for it."
      : `No account can serve this request before ${formatInstant(result.earliest)} (in ${formatDuration(result.earliest - options.now)}).`
  const shown = result.unavailable
    .slice(0, limit)
    .map((u) => `${label(u.id)}: ${u.reason.replace(/\.$/, "")}`)
  const more = result.unavailable.length - shown.length
  return `${head} ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}.`
}
