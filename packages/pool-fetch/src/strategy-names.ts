import { STRATEGY_NAMES, type StrategyName } from "@keyrelay/rotation-strategies"

export { STRATEGY_NAMES, type StrategyName }

/** The strategy of a request when neither its routing rule, the pool's `strategy` option nor the store's config names one. */
export const DEFAULT_STRATEGY: StrategyName = "sticky"

/**
 * Whether a value is the name of a strategy ({@link STRATEGY_NAMES}): for checking a name a user typed before it is
 * stored (`keyrelay strategy`, a plugin option).
 *
 * @example
 * isStrategyName("round-robin") // true
 * isStrategyName("fastest") // false
 */
export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === "string" && (STRATEGY_NAMES as readonly string[]).includes(value)
}
