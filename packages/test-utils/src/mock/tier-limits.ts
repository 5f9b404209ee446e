import type { MockLimits, MockTier } from "./mock-config.ts"

/** A complete limiter set: every field present. */
export type ResolvedLimits = Required<MockLimits>

const STANDARD: Record<MockTier, ResolvedLimits> = {
  start: { requestsPerMinute: 1_000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 },
  build: { requestsPerMinute: 5_000, inputTokensPerMinute: 5_000_000, outputTokensPerMinute: 1_000_000 },
  scale: { requestsPerMinute: 10_000, inputTokensPerMinute: 10_000_000, outputTokensPerMinute: 2_000_000 },
}

const FABLE: Record<MockTier, ResolvedLimits> = {
  start: { requestsPerMinute: 1_000, inputTokensPerMinute: 500_000, outputTokensPerMinute: 100_000 },
  build: { requestsPerMinute: 2_000, inputTokensPerMinute: 1_500_000, outputTokensPerMinute: 300_000 },
  scale: { requestsPerMinute: 4_000, inputTokensPerMinute: 4_000_000, outputTokensPerMinute: 800_000 },
}

/**
 * The standard limits of a tier for a model class; Fable 5.x has its own column, every other class
 * (unknown ones included) gets the "most current models" column.
 *
 * @see reference/anthropic-api.md §3 ("Tiers")
 */
export function tierLimits(tier: MockTier, modelClass: string): ResolvedLimits {
  return { ...(modelClass === "fable-5" ? FABLE : STANDARD)[tier] }
}

/** Applies the `default` then the class-specific overrides of a limits map on top of `base`. */
export function applyLimitOverrides(
  base: ResolvedLimits,
  overrides: Record<string, MockLimits> | undefined,
  modelClass: string,
): ResolvedLimits {
  return { ...base, ...overrides?.default, ...overrides?.[modelClass] }
}
