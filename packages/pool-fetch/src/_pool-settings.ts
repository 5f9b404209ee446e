import type { StoreConfig } from "@keyrelay/account-store"
import { DEFAULT_STRATEGY, isStrategyName, type StrategyName } from "./strategy-names.ts"

/** The settings in force for one request: options over the store's config over the defaults. */
export interface PoolSettings {
  /** The pool's strategy (the `strategy` option, else the store's config); a matching rule's own strategy beats it. */
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

/**
 * The strategy of one request. The most specific setting wins: the matching routing rule's own strategy (written for
 * that project or model), else the pool's (`createPoolFetch({ strategy })`, the host's override of the store's
 * `config.strategy`, e.g. the OpenCode plugin's `strategy` option), else `config.strategy`, else the default.
 */
export function strategyFor(
  settings: PoolSettings,
  route: { readonly strategy?: string | undefined },
): StrategyName {
  if (isStrategyName(route.strategy)) return route.strategy
  return settings.strategy ?? DEFAULT_STRATEGY
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
