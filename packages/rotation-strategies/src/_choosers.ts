import type { Availability } from "./_availability.ts"
import { forEachEntry } from "./_entries.ts"
import { parseCooldownKey } from "./cooldown-key.ts"
import { healthScore } from "./health-score.ts"
import { headroomOf, type RateLimitSnapshot } from "./parse-rate-limit-headers.ts"
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
  return (candidates, context, availability) => {
    const stickyId = context.stickyId
    let stay = -1
    if (stickyId !== undefined) {
      for (let i = 0; i < candidates.length; i++) {
        if (candidates[i]!.id === stickyId) {
          stay = availability.isBlocked(candidates[i]!) ? -1 : i
          break
        }
      }
    }
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
  return (candidates, context, availability) => {
    const now = context.now
    const stickyId = context.stickyId
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
      const tier = h >= health.minUsable ? 0 : 1
      const isSticky = stickyId !== undefined && candidate.id === stickyId
      if (tier > bestTier && !isSticky) continue
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

function headroom(options: ResolvedStrategyOptions): Chooser {
  const config = options.health
  const byOrg = new Map<string, number>()
  const byAccount = new Map<string, number>()
  let modelClass = ""
  let now = 0
  let fast = false
  const index = (key: string, snapshot: RateLimitSnapshot): void => {
    const parsed = parseCooldownKey(key)
    if (parsed === undefined || parsed.modelClass !== modelClass) return
    const room = headroomOf(snapshot, now, fast)
    if (parsed.kind === "org") byOrg.set(parsed.id, room)
    else if (parsed.kind === "acct") byAccount.set(parsed.id, room)
  }
  return (candidates, context, availability) => {
    modelClass = context.modelClass
    now = context.now
    fast = modelClass.startsWith("fast:")
    byOrg.clear()
    byAccount.clear()
    forEachEntry(context.rateLimits, index)
    const indexed = byOrg.size > 0 || byAccount.size > 0
    const stickyId = context.stickyId
    const random = context.random ?? Math.random
    let best = -1
    let bestTier = 2
    let bestRoom = Number.NEGATIVE_INFINITY
    let bestSticky = false
    let bestHealth = Number.NEGATIVE_INFINITY
    let ties = 0
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i]!
      const h = healthScore(candidate.health, now, config)
      const tier = h >= config.minUsable ? 0 : 1
      if (tier > bestTier) continue
      let room: number | undefined
      if (indexed) {
        if (candidate.organizationId !== undefined) room = byOrg.get(candidate.organizationId)
        if (room === undefined) room = byAccount.get(candidate.id)
      }
      if (room === undefined) room = 1
      const isSticky = stickyId !== undefined && candidate.id === stickyId
      let cmp = tier === bestTier ? 0 : -1
      if (cmp === 0) cmp = room > bestRoom ? -1 : room < bestRoom ? 1 : 0
      if (cmp === 0) cmp = isSticky === bestSticky ? 0 : isSticky ? -1 : 1
      if (cmp === 0) cmp = h > bestHealth ? -1 : h < bestHealth ? 1 : 0
      if (cmp > 0) continue
      if (availability.isBlocked(candidate)) continue
      if (cmp < 0) {
        ties = 1
      } else if (random() * ++ties >= 1) {
        continue
      }
      best = i
      bestTier = tier
      bestRoom = room
      bestSticky = isSticky
      bestHealth = h
    }
    return best
  }
}
