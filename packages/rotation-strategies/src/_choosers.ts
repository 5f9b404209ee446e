import type { Availability } from "./_availability.ts"
import { headroom } from "./_headroom.ts"
import { stickyFinder } from "./_sticky-finder.ts"
import { healthScore } from "./health-score.ts"
import type { Candidate, PickContext, ResolvedStrategyOptions, StrategyName } from "./strategy.ts"
import { bucketTokens } from "./token-bucket.ts"

/** Returns the index of the chosen candidate, or -1 when none can serve. Internal. */
export type Chooser = (
  candidates: readonly Candidate[],
  context: PickContext,
  availability: Availability,
) => number

// Every chooser makes one pass, ranks each candidate by cheap arithmetic first, and asks `availability` only
// about candidates that would beat the best so far: most candidates are never looked up.

/** The chooser of a strategy, with its own state (the round-robin position, reused scratch maps). Internal. */
export function createChooser(name: StrategyName, options: ResolvedStrategyOptions): Chooser {
  switch (name) {
    case "round-robin":
      return roundRobin(options)
    case "hybrid":
      return hybrid(options)
    case "headroom":
      return headroom(options)
    case "priority":
      return (candidates, context, availability) => byPriority(candidates, context, availability, options)
    default:
      return sticky(options)
  }
}

function priorityOf(candidate: Candidate): number {
  const p = candidate.priority
  return typeof p === "number" && !Number.isNaN(p) ? p : 0
}

/** Lowest priority among healthy candidates, then among the rest; ties go to health, then input order. */
function byPriority(
  candidates: readonly Candidate[],
  context: PickContext,
  availability: Availability,
  options: ResolvedStrategyOptions,
): number {
  const config = options.health
  const now = context.now
  let best = -1
  let bestTier = 2
  let bestPriority = Number.POSITIVE_INFINITY
  let bestHealth = Number.NEGATIVE_INFINITY
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!
    const priority = priorityOf(candidate)
    if (bestTier === 0 && priority > bestPriority) continue
    const health = healthScore(candidate.health, now, config)
    const tier = health >= config.minUsable ? 0 : 1
    if (tier > bestTier) continue
    if (tier === bestTier) {
      if (priority > bestPriority) continue
      if (priority === bestPriority && health <= bestHealth) continue
    }
    if (availability.isBlocked(candidate)) continue
    best = i
    bestTier = tier
    bestPriority = priority
    bestHealth = health
  }
  return best
}

function sticky(options: ResolvedStrategyOptions): Chooser {
  const config = options.health
  const findSticky = stickyFinder()
  return (candidates, context, availability) => {
    let stay = findSticky(candidates, context.stickyId)
    if (stay >= 0 && availability.isBlocked(candidates[stay]!)) stay = -1
    if (stay >= 0 && healthScore(candidates[stay]!.health, context.now, config) >= config.minUsable)
      return stay
    const fallback = byPriority(candidates, context, availability, options)
    // Nobody healthy: stay where the prompt cache is warm rather than move to another unhealthy account.
    if (
      stay >= 0 &&
      fallback >= 0 &&
      healthScore(candidates[fallback]!.health, context.now, config) < config.minUsable
    ) {
      return stay
    }
    return fallback
  }
}

function roundRobin(options: ResolvedStrategyOptions): Chooser {
  const config = options.health
  let cursor = 0
  return (candidates, context, availability) => {
    const n = candidates.length
    const start = cursor % n
    let unhealthy = -1
    for (let k = 0; k < n; k++) {
      let i = start + k
      if (i >= n) i -= n
      const candidate = candidates[i]!
      if (availability.isBlocked(candidate)) continue
      if (healthScore(candidate.health, context.now, config) >= config.minUsable) {
        cursor = i + 1
        return i
      }
      if (unhealthy < 0) unhealthy = i
    }
    if (unhealthy >= 0) cursor = unhealthy + 1
    return unhealthy
  }
}

function hybrid(options: ResolvedStrategyOptions): Chooser {
  const health = options.health
  const bucket = options.bucket
  const w = options.hybrid
  const healthScale = health.max > 0 ? w.health / health.max : 0
  const bucketScale = w.bucket / bucket.capacity
  const minUsable = health.minUsable
  // The most the bucket and freshness can add (a full bucket, fully fresh), computed as the score is: a candidate
  // whose health plus these cannot reach the best so far is passed over before its bucket is refilled.
  const bucketMost = bucket.capacity * bucketScale
  const freshnessMost = w.freshness
  const findSticky = stickyFinder()
  return (candidates, context, availability) => {
    const now = context.now
    const stickyIndex = findSticky(candidates, context.stickyId)
    const random = context.random ?? Math.random
    let best = -1
    let bestTier = 2
    let bestScore = Number.NEGATIVE_INFINITY
    let ties = 0
    let stay = -1
    let stayTier = 2
    let stayScore = 0
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i]!
      const h = healthScore(candidate.health, now, health)
      const tier = h >= minUsable ? 0 : 1
      const isSticky = i === stickyIndex
      if (tier > bestTier && !isSticky) continue
      if (!isSticky && tier === bestTier && h * healthScale + bucketMost + freshnessMost < bestScore) continue
      const lastUsedAt = candidate.lastUsedAt
      let freshness = 1
      if (typeof lastUsedAt === "number" && Number.isFinite(lastUsedAt)) {
        const idle = (now - lastUsedAt) / w.freshnessWindowMs
        freshness = idle < 0 ? 0 : Math.min(idle, 1)
      }
      let score =
        h * healthScale + bucketTokens(candidate.bucket, now, bucket) * bucketScale + freshness * w.freshness
      if (isSticky) score += w.stickyBonus
      if (!isSticky && tier === bestTier && score < bestScore) continue
      if (availability.isBlocked(candidate)) continue
      if (isSticky) {
        stay = i
        stayTier = tier
        stayScore = score
        if (tier > bestTier || (tier === bestTier && score < bestScore)) continue
      }
      if (tier < bestTier || score > bestScore) {
        best = i
        bestTier = tier
        bestScore = score
        ties = 1
      } else if (random() * ++ties < 1) {
        best = i
      }
    }
    if (stay >= 0 && stay !== best && stayTier === bestTier && bestScore - stayScore <= w.switchMargin)
      return stay
    return best
  }
}
