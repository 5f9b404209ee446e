import { type HeadersInput, headerReader } from "./_headers.ts"
import { parseRetryAfter } from "./parse-retry-after.ts"

/** How service failures (529, 500, 504, other 5xx) are retried, after the official SDK. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  /** Delay before the first retry. */
  readonly initialDelayMs: number
  /** Longest computed delay. */
  readonly maxDelayMs: number
  /** Share of a computed delay removed at random, in [0, 1). */
  readonly jitter: number
  /** A server-given delay is obeyed only when positive and at most this long; otherwise the computed one is used. */
  readonly maxRetryAfterMs: number
}

/**
 * The official SDK's policy: 2 retries, 0.5 s doubling to at most 8 s, up to 25 % jitter, server delays obeyed
 * up to 60 s.
 *
 * @see reference/anthropic-api.md §2 "How the SDKs retry"
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  jitter: 0.25,
  maxRetryAfterMs: 60_000,
})

/**
 * Whether a response may be retried as the official SDK decides: `x-should-retry: true|false` when present,
 * else 408, 409, 429 and every 5xx.
 *
 * @see reference/anthropic-api.md §2 "How the SDKs retry"
 * @example
 * shouldRetryResponse(529, {}) // true
 */
export function shouldRetryResponse(status: number, headers?: HeadersInput): boolean {
  const hint = headerReader(headers)("x-should-retry")?.trim().toLowerCase()
  if (hint === "true") return true
  if (hint === "false") return false
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/** Input of {@link retryDelay}. */
export interface RetryDelayInput {
  /** Retries already made for this request (0 before the first retry). */
  readonly attempt: number
  /** The failed response's headers (`retry-after-ms`, `retry-after`). */
  readonly headers?: HeadersInput | undefined
  /** Current time, epoch ms (for an HTTP-date `retry-after`). */
  readonly now: number
  /** Randomness in [0, 1) for the jitter. */
  readonly random: () => number
  /** Defaults to {@link DEFAULT_RETRY_POLICY}. */
  readonly policy?: RetryPolicy | undefined
}

/**
 * How long to wait before retry number `attempt + 1`, like the official SDK: the server's `retry-after-ms` or
 * `retry-after` when it is positive and at most `maxRetryAfterMs`, else `initialDelayMs · 2^attempt` capped at
 * `maxDelayMs`, shortened by up to `jitter`.
 *
 * @see reference/anthropic-api.md §2 "How the SDKs retry"
 * @example
 * retryDelay({ attempt: 0, now: Date.now(), random: Math.random }) // between 375 and 500
 */
export function retryDelay(input: RetryDelayInput): number {
  const policy = input.policy ?? DEFAULT_RETRY_POLICY
  const asked = parseRetryAfter(input.headers, input.now)
  if (asked !== undefined && asked > 0 && asked <= policy.maxRetryAfterMs) return asked
  const attempt = Math.max(0, Math.floor(input.attempt) || 0)
  const base = Math.min(policy.initialDelayMs * 2 ** attempt, policy.maxDelayMs)
  const r = input.random()
  const roll = r >= 0 && r < 1 ? r : 0
  return base * (1 - Math.min(Math.max(policy.jitter, 0), 1) * roll)
}
