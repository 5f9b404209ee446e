import type { Availability } from "./_availability.ts"
import { getEntry } from "./_entries.ts"
import { stickyFinder } from "./_sticky-finder.ts"
import { healthScore } from "./health-score.ts"
import { headroomOf } from "./parse-rate-limit-headers.ts"
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
      const tier = h >= health.minUsable ? 0 : 1
      const isSticky = i === stickyIndex
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

const GROUP_CACHE_LIMIT = 10_000

/** A limit group's headroom, computed at most once per pick (`pick` is the stamp of the pick that computed it). */
interface GroupRoom {
  readonly key: string
  pick: number
  room: number
}

/** The groups of one model class, by organization id and by account id (organization unknown). */
interface Groups {
  readonly org: Map<string, GroupRoom>
  readonly account: Map<string, GroupRoom>
  // The entry each candidate position used last time, checked by the id it was found under: callers keep their
  // candidate order and id strings, so this is usually one comparison of identical strings, not a hash lookup.
  readonly slotIds: (string | undefined)[]
  readonly slotEntries: (GroupRoom | undefined)[]
}

function headroom(options: ResolvedStrategyOptions): Chooser {
  const config = options.health
  // Per model class, one entry per organization (or per account while its organization is unknown), kept across
  // picks: a pick then builds no strings and allocates nothing once the pool is known.
  const byClass = new Map<string, Groups>()
  let entries = 0
  let stamp = 0
  const findSticky = stickyFinder()
  const groupsOf = (modelClass: string) => {
    let groups = byClass.get(modelClass)
    if (groups === undefined) {
      if (entries >= GROUP_CACHE_LIMIT) {
        byClass.clear()
        entries = 0
      }
      groups = { org: new Map(), account: new Map(), slotIds: [], slotEntries: [] }
      byClass.set(modelClass, groups)
    }
    return groups
  }
  const entryOf = (
    map: Map<string, GroupRoom>,
    id: string,
    prefix: string,
    modelClass: string,
  ): GroupRoom => {
    let entry = map.get(id)
    if (entry === undefined) {
      entry = { key: `${prefix}${id}|${modelClass}`, pick: 0, room: 1 }
      map.set(id, entry)
      entries++
    }
    return entry
  }
  return (candidates, context, availability) => {
    const now = context.now
    const modelClass = context.modelClass
    const fast = modelClass.startsWith("fast:")
    const rateLimits = context.rateLimits
    const groups = rateLimits === undefined ? undefined : groupsOf(modelClass)
    const pick = ++stamp
    const stickyIndex = findSticky(candidates, context.stickyId)
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
      let room = 1
      if (groups !== undefined) {
        const org = candidate.organizationId
        const id = org === undefined ? candidate.id : org
        let entry = groups.slotEntries[i]
        if (entry === undefined || groups.slotIds[i] !== id) {
          entry =
            org === undefined
              ? entryOf(groups.account, id, "acct:", modelClass)
              : entryOf(groups.org, id, "org:", modelClass)
          groups.slotIds[i] = id
          groups.slotEntries[i] = entry
        }
        if (entry.pick !== pick) {
          let snapshot = getEntry(rateLimits, entry.key)
          // Before its organization was learned, an account's snapshot sat under its own group key; it still
          // describes that organization's buckets.
          if (snapshot === undefined && org !== undefined) {
            snapshot = getEntry(rateLimits, entryOf(groups.account, candidate.id, "acct:", modelClass).key)
          }
          entry.room = headroomOf(snapshot, now, fast)
          entry.pick = pick
        }
        room = entry.room
      }
      const isSticky = i === stickyIndex
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
