import { type HeaderReader, type HeadersInput, headerReader } from "./_headers.ts"
import { parseRfc3339 } from "./parse-retry-after.ts"

/** One bucket of an organization's limits as a response announced it; a field is absent when its header was. */
export interface RateLimitBucket {
  /** The bucket's size (`…-limit`). */
  readonly limit?: number
  /** What was left when the response was sent (`…-remaining`; tokens are rounded to the thousand). */
  readonly remaining?: number
  /** When the bucket is fully replenished, epoch ms (`…-reset`, RFC 3339). */
  readonly resetAt?: number
}

/**
 * The limits a response announced for its limit group (organization × model class). Only buckets with at
 * least one readable header are present.
 */
export interface RateLimitSnapshot {
  /** When the response was observed, epoch ms; the newest snapshot of a group wins. */
  readonly observedAt: number
  /** `anthropic-ratelimit-requests-*` (RPM). */
  readonly requests?: RateLimitBucket
  /** `anthropic-ratelimit-tokens-*`: the most restrictive token limit right now. */
  readonly tokens?: RateLimitBucket
  /** `anthropic-ratelimit-input-tokens-*` (ITPM). */
  readonly inputTokens?: RateLimitBucket
  /** `anthropic-ratelimit-output-tokens-*` (OTPM). */
  readonly outputTokens?: RateLimitBucket
  /** `anthropic-priority-input-tokens-*` (Priority Tier only). */
  readonly priorityInputTokens?: RateLimitBucket
  /** `anthropic-priority-output-tokens-*` (Priority Tier only). */
  readonly priorityOutputTokens?: RateLimitBucket
  /** `anthropic-fast-input-tokens-*` (fast mode, separate from standard limits). */
  readonly fastInputTokens?: RateLimitBucket
  /** `anthropic-fast-output-tokens-*` (fast mode, separate from standard limits). */
  readonly fastOutputTokens?: RateLimitBucket
}

/** The bucket fields of a {@link RateLimitSnapshot}, in a fixed order. */
export type RateLimitBucketName = Exclude<keyof RateLimitSnapshot, "observedAt">

const FAMILIES: ReadonlyArray<readonly [RateLimitBucketName, string]> = [
  ["requests", "anthropic-ratelimit-requests-"],
  ["tokens", "anthropic-ratelimit-tokens-"],
  ["inputTokens", "anthropic-ratelimit-input-tokens-"],
  ["outputTokens", "anthropic-ratelimit-output-tokens-"],
  ["priorityInputTokens", "anthropic-priority-input-tokens-"],
  ["priorityOutputTokens", "anthropic-priority-output-tokens-"],
  ["fastInputTokens", "anthropic-fast-input-tokens-"],
  ["fastOutputTokens", "anthropic-fast-output-tokens-"],
]

const COUNT = /^\s*\d+\s*$/

/**
 * Reads the `anthropic-ratelimit-*` (and priority / fast-mode) headers of a response into a snapshot of its
 * limit group; `undefined` when the response carried none, so a caller never replaces a useful snapshot with an
 * empty one. Missing or garbled headers are skipped, never thrown on.
 *
 * @see reference/anthropic-api.md §3 "Response headers"
 * @see https://platform.claude.com/docs/en/api/rate-limits#response-headers
 * @example
 * const snapshot = parseRateLimitHeaders(response.headers, Date.now())
 * snapshot?.requests?.remaining // e.g. 999
 */
export function parseRateLimitHeaders(
  headers: HeadersInput | undefined,
  now: number,
): RateLimitSnapshot | undefined {
  const read = headerReader(headers)
  let snapshot: { -readonly [K in keyof RateLimitSnapshot]: RateLimitSnapshot[K] } | undefined
  for (const [name, prefix] of FAMILIES) {
    const bucket = readBucket(read, prefix)
    if (bucket === undefined) continue
    snapshot ??= { observedAt: now }
    snapshot[name] = bucket
  }
  return snapshot
}

function readBucket(read: HeaderReader, prefix: string): RateLimitBucket | undefined {
  const limit = count(read(`${prefix}limit`))
  const remaining = count(read(`${prefix}remaining`))
  const resetAt = parseRfc3339(read(`${prefix}reset`))
  if (limit === undefined && remaining === undefined && resetAt === undefined) return undefined
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(resetAt === undefined ? {} : { resetAt }),
  }
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !COUNT.test(value)) return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : undefined
}

const STANDARD: readonly RateLimitBucketName[] = ["requests", "tokens", "inputTokens", "outputTokens"]
const FAST: readonly RateLimitBucketName[] = ["requests", "fastInputTokens", "fastOutputTokens"]

/**
 * The share of its limit group's capacity left at `now`, in [0, 1], by the tightest bucket of the snapshot.
 * Buckets refill continuously (reference §3: token bucket), so a bucket seen at `remaining` is assumed to refill
 * linearly until its `resetAt`; a bucket past its reset is full. `fast` reads the fast-mode token buckets
 * instead of the standard ones. `1` when the snapshot says nothing usable.
 *
 * @see reference/anthropic-api.md §3 "How limits are scoped", "Response headers"
 * @example
 * headroomOf(snapshot, Date.now()) // 0.42
 */
export function headroomOf(snapshot: RateLimitSnapshot | undefined, now: number, fast = false): number {
  return headroomUnder(snapshot, now, fast, Number.NEGATIVE_INFINITY)
}

/**
 * {@link headroomOf}, or, as soon as a bucket shows it is below `floor`, a number below `floor` and not below it
 * (the buckets left are not read). Internal: the `headroom` strategy passes the best headroom so far.
 */
export function headroomUnder(
  snapshot: RateLimitSnapshot | undefined,
  now: number,
  fast: boolean,
  floor: number,
): number {
  if (snapshot === undefined || snapshot === null) return 1
  const seen = snapshot.observedAt
  const fastBuckets =
    fast && (snapshot.fastInputTokens !== undefined || snapshot.fastOutputTokens !== undefined)
  let least = 1
  // This runs once per limit group on every headroom pick: plain property reads (no loop over names), and no
  // helper per bucket, whose number result V8 would box when it is not inlined.
  for (let k = 0; k < 4; k++) {
    const bucket =
      k === 0
        ? snapshot.requests
        : fastBuckets
          ? k === 1
            ? snapshot.fastInputTokens
            : k === 2
              ? snapshot.fastOutputTokens
              : undefined
          : k === 1
            ? snapshot.tokens
            : k === 2
              ? snapshot.inputTokens
              : snapshot.outputTokens
    if (bucket === undefined || bucket === null) continue
    const { limit, remaining, resetAt } = bucket
    // A bucket that says nothing usable, or is past its reset, is full.
    let share = 1
    if (
      limit !== undefined &&
      remaining !== undefined &&
      limit > 0 &&
      !(resetAt !== undefined && now >= resetAt)
    ) {
      share = remaining / limit
      if (share >= 1) {
        share = 1
      } else {
        // Refilling linearly from when it was seen until its reset.
        if (share < 0) share = 0
        if (resetAt !== undefined && resetAt > seen && now > seen) {
          share += ((1 - share) * (now - seen)) / (resetAt - seen)
        }
        share = Math.min(share, 1)
      }
    }
    least = Math.min(share, least)
    if (least < floor) return least
  }
  return least
}

/**
 * When the group of a 429 can take requests again by the snapshot alone: the latest reset among buckets that
 * are empty, else the latest reset still ahead (the group is surely replenished then); `undefined` without one.
 * Internal to the package (classifyResponse uses it).
 *
 * @see reference/anthropic-api.md §3 "Response headers" (`-reset` is when the bucket is fully replenished)
 */
export function rateLimitResetAt(
  snapshot: RateLimitSnapshot | undefined,
  now: number,
  fast = false,
): number | undefined {
  if (snapshot === undefined) return undefined
  let emptyAt: number | undefined
  let anyAt: number | undefined
  for (const name of fast && (snapshot.fastInputTokens || snapshot.fastOutputTokens) ? FAST : STANDARD) {
    const bucket = snapshot[name] as RateLimitBucket | undefined
    if (bucket?.resetAt === undefined || bucket.resetAt <= now) continue
    if (anyAt === undefined || bucket.resetAt > anyAt) anyAt = bucket.resetAt
    if (bucket.remaining === 0 && (emptyAt === undefined || bucket.resetAt > emptyAt))
      emptyAt = bucket.resetAt
  }
  return emptyAt ?? anyAt
}
