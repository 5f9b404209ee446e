import type { AccountStore } from "@keyrelay/account-store"
import {
  candidateCooldownKeys,
  fastModeClass,
  type KeyedMap,
  modelClassOf,
  type RateLimitSnapshot,
} from "@keyrelay/rotation-strategies"
import { iso, PoolRuntime } from "./_pool-runtime.ts"
import { strategyFor } from "./_pool-settings.ts"
import { defaultSleep } from "./_sleep.ts"
import { createCredentialResolver } from "./credential-resolver.ts"
import type { StrategyName } from "./strategy-names.ts"

/** What to explain: a project directory and a model (both optional). */
export interface ExplainRouteOptions {
  directory?: string
  model?: string
  /** Fast mode (`speed: "fast"`) has limits of its own. */
  fast?: boolean
}

/** One account's part in a route. */
export interface RouteAccountExplanation {
  readonly id: string
  readonly label: string
  /**
   * `picked` (the strategy's choice now), `available` (could serve, not preferred), `cooldown` (a cooldown of the
   * account, its limit group, organization or workspace holds), `disabled`, `over-budget`, `rule-mismatch` (the
   * matching rule routes elsewhere).
   */
  readonly status: "picked" | "available" | "cooldown" | "disabled" | "over-budget" | "rule-mismatch"
  /** Why, for people; never a secret. */
  readonly reason: string
  /** When it can serve again (cooldown, budget), epoch ms. */
  readonly until?: number
}

/** Which accounts are candidates for a directory and model, which one the strategy would pick now, and why. */
export interface RouteExplanation {
  readonly directory?: string
  readonly model?: string
  readonly modelClass: string
  /** The routing rule that matched; absent when none did (then every enabled account is a candidate). */
  readonly ruleId?: string
  readonly strategy: StrategyName
  /** The account the strategy picks now; absent when none can serve. */
  readonly picked?: string
  /** Every account of the pool, candidate or not. */
  readonly accounts: readonly RouteAccountExplanation[]
}

/** Explains a route with a pool's own state (its strategy instances, learned organizations, budgets). Internal. */
export function explainRouteWith(runtime: PoolRuntime, options: ExplainRouteOptions): RouteExplanation {
  const store = runtime.store
  const directory = options.directory ?? runtime.directory
  const model = options.model
  const baseClass = model === undefined ? "default" : modelClassOf(model)
  const modelClass = options.fast ? fastModeClass(baseClass) : baseClass
  const route = store.resolveRoute({
    ...(directory === undefined ? {} : { directory }),
    ...(model === undefined ? {} : { model }),
  })
  const strategyName = strategyFor(runtime.settings(), route)
  const strategy = runtime.strategy(strategyName)
  const now = runtime.now()
  const routed = new Set(route.accountIds)
  const candidates = store.listAccounts().filter((a) => routed.has(a.id) && runtime.inRotation(a))
  const pick = strategy.pick(
    candidates.map((a) => runtime.candidate(a)),
    {
      now,
      random: runtime.random,
      modelClass,
      cooldowns: store.state.cooldowns,
      rateLimits: store.state.rateLimits as KeyedMap<RateLimitSnapshot>,
      stickyId: runtime.lastServed(modelClass),
    },
  )
  const picked = typeof pick === "string" ? pick : undefined
  const accounts = store.listAccounts().map((account): RouteAccountExplanation => {
    const base = { id: account.id, label: account.label }
    if (!account.enabled)
      return { ...base, status: "disabled", reason: account.disabledReason ?? "disabled by the user" }
    if (!routed.has(account.id))
      return {
        ...base,
        status: "rule-mismatch",
        reason: `rule ${route.ruleId} routes ${directory ?? "this project"}${model ? ` and ${model}` : ""} to other accounts`,
      }
    if (runtime.budget.isOver(account)) {
      const { endsAt } = runtime.budget.month
      return {
        ...base,
        status: "over-budget",
        reason: `reached its monthly budget of $${account.monthlyBudgetUsd}; back at ${iso(endsAt)}`,
        until: endsAt,
      }
    }
    if (account.id === picked)
      return { ...base, status: "picked", reason: `the ${strategyName} strategy picks it now` }
    let latest: { until: number; reason: string } | undefined
    for (const key of candidateCooldownKeys(
      { id: account.id, ...runtime.organizationOf(account) },
      modelClass,
    )) {
      const cooldown = store.state.cooldowns[key]
      if (
        cooldown !== undefined &&
        cooldown.until > now &&
        (latest === undefined || cooldown.until > latest.until)
      )
        latest = cooldown
    }
    if (latest !== undefined)
      return { ...base, status: "cooldown", reason: latest.reason, until: latest.until }
    return {
      ...base,
      status: "available",
      reason:
        picked === undefined ? "could serve" : `could serve; the ${strategyName} strategy prefers another`,
    }
  })
  return {
    ...(directory === undefined ? {} : { directory }),
    ...(model === undefined ? {} : { model }),
    modelClass,
    ...(route.ruleId === undefined ? {} : { ruleId: route.ruleId }),
    strategy: strategyName,
    ...(picked === undefined ? {} : { picked }),
    accounts,
  }
}

/**
 * Says which accounts are candidates for a directory and model, which one the strategy would pick now, and why each
 * other account is out (cooldown, disabled, budget, rule mismatch). Reads the store only; sends nothing.
 *
 * @example
 * const explanation = explainRoute({ store, directory: "/work/client-a", model: "claude-opus-4-8" })
 * for (const a of explanation.accounts) console.log(a.label, a.status, a.reason)
 */
export function explainRoute(
  options: ExplainRouteOptions & {
    store: AccountStore
    now?: () => number
    /** The host's strategy, as `createPoolFetch({ strategy })`: over `config.strategy`, under a matching rule's own. */
    strategy?: StrategyName
  },
): RouteExplanation {
  const now = options.now ?? Date.now
  const runtime = new PoolRuntime({
    store: options.store,
    fetch: globalThis.fetch,
    now,
    random: () => 0,
    sleep: defaultSleep,
    host: undefined,
    directory: undefined,
    overrides: options.strategy === undefined ? {} : { strategy: options.strategy },
    pricing: undefined,
    resolver: createCredentialResolver({ store: options.store, now }),
    onEvent: undefined,
  })
  return explainRouteWith(runtime, options)
}
