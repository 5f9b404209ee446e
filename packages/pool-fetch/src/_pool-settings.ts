import type { StoreConfig } from "@keyrelay/account-store"
import { STRATEGY_NAMES, type StrategyName } from "@keyrelay/rotation-strategies"

/** The settings in force for one request: options over the store's config over the defaults. */
export interface PoolSettings {
  strategy: StrategyName | undefined
  waitBudgetMs: number
  maxAttempts: number
  deadlineMs: number
  streamHeadersTimeoutMs: number
  streamIdleTimeoutMs: number
  serviceRetries: number
  extraBetas: readonly string[]
}

/** Overrides of the store's config (and of the defaults) given to `createPoolFetch`. */
export interface PoolSettingsOverrides {
  strategy?: StrategyName
  waitBudgetMs?: number
  maxAttempts?: number
  deadlineMs?: number
  streamHeadersTimeoutMs?: number
  streamIdleTimeoutMs?: number
  serviceRetries?: number
  extraBetas?: readonly string[]
}

export const DEFAULT_SETTINGS = Object.freeze({
  waitBudgetMs: 5_000,
  maxAttempts: 4,
  deadlineMs: 600_000,
  streamHeadersTimeoutMs: 60_000,
  streamIdleTimeoutMs: 300_000,
  serviceRetries: 1,
})

export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === "string" && (STRATEGY_NAMES as readonly string[]).includes(value)
}

/** The settings for one request: the pool's overrides, else the store's config, else the defaults. */
export function resolveSettings(config: Readonly<StoreConfig>, o: PoolSettingsOverrides): PoolSettings {
  const strategy = o.strategy ?? config.strategy
  return {
    strategy: isStrategyName(strategy) ? strategy : undefined,
    waitBudgetMs: o.waitBudgetMs ?? config.waitBudgetMs ?? DEFAULT_SETTINGS.waitBudgetMs,
    maxAttempts: o.maxAttempts ?? config.maxAttempts ?? DEFAULT_SETTINGS.maxAttempts,
    deadlineMs: o.deadlineMs ?? config.deadlineMs ?? DEFAULT_SETTINGS.deadlineMs,
    streamHeadersTimeoutMs: o.streamHeadersTimeoutMs ?? DEFAULT_SETTINGS.streamHeadersTimeoutMs,
    streamIdleTimeoutMs: o.streamIdleTimeoutMs ?? DEFAULT_SETTINGS.streamIdleTimeoutMs,
    serviceRetries: o.serviceRetries ?? DEFAULT_SETTINGS.serviceRetries,
    extraBetas: o.extraBetas ?? config.extraBetas,
  }
}
