import { definedOnly, type OptionsOf } from "./_defined-only.ts"
import { ROTATION_ERROR_CODES, RotationError } from "./rotation-error.ts"

/** An account's local request budget as stored: the tokens at `updatedAt`; refill since then is computed. */
export interface TokenBucketState {
  readonly tokens: number
  /** Epoch ms of the last change. */
  readonly updatedAt: number
}

/** The token bucket's rules. */
export interface TokenBucketConfig {
  /** Tokens of a full bucket (and of an account never seen). */
  readonly capacity: number
  /** Tokens added per minute, continuously. */
  readonly refillPerMinute: number
}

/** The proven defaults: 50 tokens, +6 per minute. */
export const DEFAULT_TOKEN_BUCKET_CONFIG: TokenBucketConfig = Object.freeze({
  capacity: 50,
  refillPerMinute: 6,
})

const MINUTE = 60_000

/**
 * The tokens of `state` at `now`, refilled continuously since `updatedAt` up to `capacity`. An unknown account
 * (`undefined`) has a full bucket; a clock that went back refills nothing.
 *
 * @example
 * bucketTokens({ tokens: 0, updatedAt: 0 }, 60_000) // 6
 */
export function bucketTokens(
  state: TokenBucketState | undefined,
  now: number,
  config: TokenBucketConfig = DEFAULT_TOKEN_BUCKET_CONFIG,
): number {
  if (state === undefined || state === null) return config.capacity
  const base = Number.isFinite(state.tokens) ? state.tokens : config.capacity
  const elapsed = now - state.updatedAt
  const tokens = elapsed > 0 ? base + (config.refillPerMinute * elapsed) / MINUTE : base
  return tokens < 0 ? 0 : Math.min(tokens, config.capacity)
}

/**
 * The state after spending `cost` tokens at `now` (never below zero). The bucket is a soft local budget that
 * spreads bursts over accounts (the `hybrid` strategy weighs it); it never blocks a request by itself.
 *
 * @example
 * takeToken(undefined, Date.now()).tokens // 49
 */
export function takeToken(
  state: TokenBucketState | undefined,
  now: number,
  config: TokenBucketConfig = DEFAULT_TOKEN_BUCKET_CONFIG,
  cost = 1,
): TokenBucketState {
  const left = bucketTokens(state, now, config) - Math.max(cost, 0)
  const updatedAt = state && Number.isFinite(state.updatedAt) && state.updatedAt > now ? state.updatedAt : now
  return { tokens: Math.max(left, 0), updatedAt }
}

/**
 * A full token-bucket config from partial options over the defaults.
 *
 * @throws {RotationError} `ERR_ROTATION_INVALID_OPTIONS` when `capacity` is not positive or `refillPerMinute` is
 * negative or not finite.
 */
export function resolveTokenBucketConfig(options: OptionsOf<TokenBucketConfig> = {}): TokenBucketConfig {
  const config = { ...DEFAULT_TOKEN_BUCKET_CONFIG, ...definedOnly<TokenBucketConfig>(options) }
  if (!(Number.isFinite(config.capacity) && config.capacity > 0)) {
    throw invalid(`bucket.capacity must be a positive number, got ${String(config.capacity)}`)
  }
  if (!(Number.isFinite(config.refillPerMinute) && config.refillPerMinute >= 0)) {
    throw invalid(
      `bucket.refillPerMinute must be a non-negative number, got ${String(config.refillPerMinute)}`,
    )
  }
  return Object.freeze(config)
}

function invalid(what: string): RotationError {
  return new RotationError(
    ROTATION_ERROR_CODES.INVALID_OPTIONS,
    `Invalid token-bucket options: ${what}; fix the option or leave it out for the default.`,
  )
}
