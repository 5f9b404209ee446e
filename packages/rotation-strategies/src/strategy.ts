import { Availability } from "./_availability.ts"
import { createChooser } from "./_choosers.ts"
import { definedOnly, type OptionsOf } from "./_defined-only.ts"
import type { KeyedMap } from "./_entries.ts"
import type { CooldownMap } from "./cooldown.ts"
import type { FailureClass } from "./failure-class.ts"
import { type HealthConfig, type HealthState, resolveHealthConfig } from "./health-score.ts"
import type { RateLimitSnapshot } from "./parse-rate-limit-headers.ts"
import { ROTATION_ERROR_CODES, RotationError } from "./rotation-error.ts"
import { resolveTokenBucketConfig, type TokenBucketConfig, type TokenBucketState } from "./token-bucket.ts"
import { unavailableReport } from "./wait-or-fail.ts"

/** One account a request may go to, as plain data. */
export interface Candidate {
  /** The account id (`acc_…`); what `pick` returns. */
  readonly id: string
  /** Lower goes first for `priority` and as the fallback order of `sticky`; default 0. */
  readonly priority?: number | undefined
  /** Its organization, once learned (`anthropic-organization-id`); until then the account is its own group. */
  readonly organizationId?: string | undefined
  /** Its workspace, once learned (`anthropic-workspace-id`). */
  readonly workspaceId?: string | undefined
  /** Its health; `undefined` for an account never seen. */
  readonly health?: HealthState | undefined
  /** Its local request budget; `undefined` for a full bucket. */
  readonly bucket?: TokenBucketState | undefined
  /** When it last served a request, epoch ms. */
  readonly lastUsedAt?: number | undefined
  /** The user pinned it: chosen whenever it is not cooling down, whatever the strategy. */
  readonly pinned?: boolean | undefined
}

/** Everything a pick depends on besides the candidates; the caller keeps it, the strategy only reads it. */
export interface PickContext {
  /** Current time, epoch ms. */
  readonly now: number
  /** Randomness in [0, 1) for tie-breaking; defaults to `Math.random`. Same sequence → same choice. */
  readonly random?: (() => number) | undefined
  /** The model class of the request ({@link modelClassOf}). */
  readonly modelClass: string
  /** Cooldowns by key ({@link cooldownKey}); those still in force at `now` rule candidates out. */
  readonly cooldowns?: CooldownMap | undefined
  /** Latest rate-limit snapshot by group key ({@link groupKey}); read by `headroom`. */
  readonly rateLimits?: KeyedMap<RateLimitSnapshot> | undefined
  /** The account that served the previous request (kept by `sticky`, favoured by `hybrid` and `headroom`). */
  readonly stickyId?: string | undefined
  /** Account ids already tried for this request. */
  readonly exclude?: ReadonlySet<string> | undefined
  /**
   * Cooldown keys to stay away from for this attempt, as if cooling: after a group-level 429, pass its `key` so
   * the retry goes to another group.
   */
  readonly avoid?: ReadonlySet<string> | readonly string[] | undefined
}

/** Why one candidate cannot serve, and from when it can. */
export interface Unavailable {
  /** The account id. */
  readonly id: string
  /** `cooldown` (a cooldown in force), `avoided` (a key to avoid for this attempt), `excluded` (already tried). */
  readonly cause: "cooldown" | "avoided" | "excluded"
  /** The failure class of the cooldown that keeps it out longest. */
  readonly class?: FailureClass | undefined
  /** Why, for people. */
  readonly reason: string
  /** The key of that cooldown. */
  readonly key?: string | undefined
  /** When it can serve again, epoch ms; `null` when not for this request (`excluded`). */
  readonly until: number | null
}

/** What `pick` returns when no candidate can serve: who is out, why, and the earliest time one is free again. */
export interface NoCandidate {
  /** Every candidate with the reason it is out, earliest `until` first. */
  readonly unavailable: readonly Unavailable[]
  /** The earliest `until` among them; `null` when none will be free for this request. */
  readonly earliest: number | null
}

/** An account id, or why none can serve. */
export type PickResult = string | NoCandidate

/** A strategy: picks the account for the next request. */
export interface Strategy {
  readonly name: StrategyName
  /**
   * Chooses among `candidates` those not cooling down, not avoided and not excluded, preferring healthy ones
   * (score ≥ `minUsable`); returns the account id, or a {@link NoCandidate} report for wait-or-fail.
   */
  pick(candidates: readonly Candidate[], context: PickContext): PickResult
}

/** The strategies, by name. */
export type StrategyName = "sticky" | "round-robin" | "hybrid" | "headroom" | "priority"

/** Every {@link StrategyName}; `sticky` is the default. */
export const STRATEGY_NAMES: readonly StrategyName[] = Object.freeze([
  "sticky",
  "round-robin",
  "hybrid",
  "headroom",
  "priority",
])

/** How `hybrid` weighs an account (each part is normalized to [0, 1] before weighing). */
export interface HybridWeights {
  /** Weight of health (score / max). */
  readonly health: number
  /** Weight of the token bucket (tokens / capacity). */
  readonly bucket: number
  /** Weight of freshness (time since last use / `freshnessWindowMs`, at most 1). */
  readonly freshness: number
  /** Added to the sticky account's score, to keep the prompt cache warm. */
  readonly stickyBonus: number
  /** Another account must beat the sticky one (bonus included) by more than this to take over. */
  readonly switchMargin: number
  /** Idle time after which an account counts as fully fresh. */
  readonly freshnessWindowMs: number
}

/** The `hybrid` weights keyrelay ships: health 1, bucket 0.5, freshness 0.1, sticky bonus 0.25, margin 0.05, 5 min. */
export const DEFAULT_HYBRID_WEIGHTS: HybridWeights = Object.freeze({
  health: 1,
  bucket: 0.5,
  freshness: 0.1,
  stickyBonus: 0.25,
  switchMargin: 0.05,
  freshnessWindowMs: 5 * 60_000,
})

/** Options of {@link createStrategy}. */
export interface StrategyOptions {
  /** Health rules; missing values take {@link DEFAULT_HEALTH_CONFIG}. */
  readonly health?: OptionsOf<HealthConfig> | undefined
  /** Token-bucket rules; missing values take {@link DEFAULT_TOKEN_BUCKET_CONFIG}. */
  readonly bucket?: OptionsOf<TokenBucketConfig> | undefined
  /** `hybrid` weights; missing values take {@link DEFAULT_HYBRID_WEIGHTS}. */
  readonly hybrid?: OptionsOf<HybridWeights> | undefined
}

/** Resolved settings shared by the choosers. Internal. */
export interface ResolvedStrategyOptions {
  readonly health: HealthConfig
  readonly bucket: TokenBucketConfig
  readonly hybrid: HybridWeights
}

/**
 * Creates a strategy:
 * - `sticky` (default): stays on the account of the previous request while it is usable, which keeps the
 *   prompt cache warm; otherwise the first usable one by `priority`, then health;
 * - `round-robin`: the next usable account after the one picked last by this instance;
 * - `hybrid`: the best weighted score of health, token bucket and freshness, with a stickiness bonus and a
 *   switch margin;
 * - `headroom`: the account whose limit group has the most capacity left by its latest rate-limit headers
 *   (groups never seen count as full);
 * - `priority`: ordered failover, lowest `priority` first.
 *
 * Every strategy skips candidates whose account, limit group, organization or workspace is cooling down,
 * avoided or excluded; a pinned candidate wins when it can serve; accounts below `minUsable` health are used
 * only when no healthy one can serve. A strategy holds no I/O; `round-robin` keeps its position in the instance.
 *
 * @throws {RotationError} `ERR_ROTATION_UNKNOWN_STRATEGY` for a name not in {@link STRATEGY_NAMES};
 * `ERR_ROTATION_INVALID_OPTIONS` for malformed options.
 * @example
 * const strategy = createStrategy("sticky")
 * const choice = strategy.pick([{ id: "acc_a" }, { id: "acc_b" }], { now: Date.now(), modelClass: "sonnet-4.x" })
 * typeof choice === "string" ? choice : choice.earliest // "acc_a"
 */
export function createStrategy(name: StrategyName = "sticky", options: StrategyOptions = {}): Strategy {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new RotationError(
      ROTATION_ERROR_CODES.UNKNOWN_STRATEGY,
      `There is no strategy named "${String(name)}"; use one of ${STRATEGY_NAMES.join(", ")}.`,
    )
  }
  const resolved: ResolvedStrategyOptions = {
    health: resolveHealthConfig(options?.health ?? {}),
    bucket: resolveTokenBucketConfig(options?.bucket ?? {}),
    hybrid: resolveHybridWeights(options?.hybrid ?? {}),
  }
  const availability = new Availability()
  const choose = createChooser(name, resolved)
  return {
    name,
    pick(candidates, context) {
      availability.prepare(context)
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[i]!
        if (candidate.pinned === true && !availability.isBlocked(candidate)) return candidate.id
      }
      const index = candidates.length === 0 ? -1 : choose(candidates, context, availability)
      return index >= 0 ? candidates[index]!.id : unavailableReport(candidates, context)
    },
  }
}

function resolveHybridWeights(options: OptionsOf<HybridWeights>): HybridWeights {
  const weights = { ...DEFAULT_HYBRID_WEIGHTS, ...definedOnly<HybridWeights>(options) }
  for (const [key, value] of Object.entries(weights)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RotationError(
        ROTATION_ERROR_CODES.INVALID_OPTIONS,
        `Invalid hybrid options: hybrid.${key} must be a non-negative number, got ${String(value)}; fix it or leave it out for the default.`,
      )
    }
  }
  if (weights.freshnessWindowMs === 0) {
    throw new RotationError(
      ROTATION_ERROR_CODES.INVALID_OPTIONS,
      "Invalid hybrid options: hybrid.freshnessWindowMs must be positive; fix it or leave it out for the default.",
    )
  }
  return Object.freeze(weights)
}
