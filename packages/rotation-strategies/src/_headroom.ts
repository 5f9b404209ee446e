import type { Chooser } from "./_choosers.ts"
import { getEntry, type KeyedMap } from "./_entries.ts"
import { stickyFinder } from "./_sticky-finder.ts"
import { groupKey } from "./cooldown-key.ts"
import { healthScore } from "./health-score.ts"
import { headroomUnder, type RateLimitSnapshot } from "./parse-rate-limit-headers.ts"
import type { Candidate, ResolvedStrategyOptions } from "./strategy.ts"

const GROUP_CACHE_LIMIT = 10_000
const NO_CANDIDATES: readonly Candidate[] = []
const NO_LIMITS: KeyedMap<RateLimitSnapshot> = new Map()

/**
 * A limit group as one pick sees it: `read` stamps the pick whose headroom `room` holds (or a bound below that
 * pick's best, see `read`); `claimed` stamps the pick in which `claimant`, the group's first candidate considered,
 * was recorded.
 */
interface Group {
  /** Its key in `rateLimits` ({@link groupKey}). */
  readonly key: string
  /** An organization's group, whose snapshot may still sit under an account's own key. */
  readonly organization: boolean
  read: number
  room: number
  claimed: number
  claimant: string
}

/** The groups of one model class, by organization id and by account id (organization unknown). */
interface Groups {
  readonly org: Map<string, Group>
  readonly account: Map<string, Group>
  // The group each candidate position had last time, checked by the id it was found under: callers keep their
  // candidate order and id strings, so this is usually one comparison of identical strings, not a hash lookup.
  readonly slotIds: (string | undefined)[]
  readonly slotGroups: (Group | undefined)[]
}

/**
 * The `headroom` chooser: among healthy candidates (else the rest), the one whose limit group has the most
 * capacity left, then the sticky one, then the healthiest; exact ties at random. Internal.
 *
 * A pick reads as few groups as it can. A group's headroom is at most 1, so once the best so far has a full group
 * (one never seen, or idle past its reset: most of a large pool), a candidate that loses on stickiness and health,
 * which cost no lookup, loses whatever its group has left, and its group is not read. Where no group is full, a
 * group's buckets are read only until it falls below the best.
 */
export function headroom(options: ResolvedStrategyOptions): Chooser {
  const config = options.health
  const minUsable = config.minUsable
  // Per model class, one group per organization (or per account while its organization is unknown), kept across
  // picks: a pick then builds no strings and allocates nothing once the pool is known.
  const byClass = new Map<string, Groups>()
  let cached = 0
  const findSticky = stickyFinder()

  // The current pick, as the helpers below read it (set once per pick rather than passed per candidate).
  let pick = 0 // groups are made with stamps of 0, so the first pick is 1
  let now = 0
  let modelClass = ""
  let fast = false
  let rateLimits = NO_LIMITS
  let groups: Groups = newGroups()
  let pool = NO_CANDIDATES
  // Positions below `claimedTo` have claimed their groups; from position `healthyFrom` on, only healthy candidates
  // were considered (the best so far was healthy).
  let claimedTo = 0
  let healthyFrom = Number.POSITIVE_INFINITY

  const groupIn = (map: Map<string, Group>, id: string, organization: boolean): Group => {
    let group = map.get(id)
    if (group === undefined) {
      const key = organization
        ? groupKey({ id: "", organizationId: id }, modelClass)
        : groupKey({ id }, modelClass)
      group = { key, organization, read: 0, room: 1, claimed: 0, claimant: "" }
      map.set(id, group)
      cached++
    }
    return group
  }

  /** The group of the candidate at position `i`. */
  const groupAt = (i: number): Group => {
    const candidate = pool[i]!
    const org = candidate.organizationId
    const organization = org !== undefined && org !== ""
    const id = organization ? org : candidate.id
    let group = groups.slotGroups[i]
    if (group === undefined || groups.slotIds[i] !== id || group.organization !== organization) {
      group = groupIn(organization ? groups.org : groups.account, id, organization)
      groups.slotIds[i] = id
      groups.slotGroups[i] = group
    }
    return group
  }

  // Before its organization was learned, an account's snapshot sat under its own group key; it still describes
  // the organization's buckets, and the key read is that of the group's first candidate considered in the pick
  // (not passed over for health). Positions are claimed only when such a group is read, so most picks claim none.
  const claimThrough = (i: number): void => {
    for (let k = claimedTo; k <= i; k++) {
      if (k >= healthyFrom && healthScore(pool[k]!.health, now, config) < minUsable) continue
      const group = groupAt(k)
      if (group.claimed !== pick) {
        group.claimed = pick
        group.claimant = pool[k]!.id
      }
    }
    if (i >= claimedTo) claimedTo = i + 1
  }

  /**
   * Reads the group's headroom at this pick, for the candidate at position `i`. Once the best so far is healthy,
   * the best headroom only grows for the rest of the pick, so a group found below it loses to it now and later:
   * its other buckets are not read, and `room` keeps a bound below the best (see {@link headroomUnder}).
   */
  const read = (group: Group, i: number, floor: number): void => {
    let snapshot = getEntry(rateLimits, group.key)
    if (snapshot === undefined && group.organization) {
      claimThrough(i)
      snapshot = getEntry(rateLimits, groupIn(groups.account, group.claimant, false).key)
    }
    group.room = headroomUnder(snapshot, now, fast, floor)
    group.read = pick
  }

  /** The headroom of the group of the candidate at position `i` at this pick, read once per group per pick. */
  const roomAt = (i: number, floor: number): number => {
    const group = groupAt(i)
    if (group.read !== pick) read(group, i, floor)
    return group.room
  }

  return (candidates, context, availability) => {
    pick++
    now = context.now
    modelClass = context.modelClass
    fast = modelClass.startsWith("fast:")
    pool = candidates
    claimedTo = 0
    healthyFrom = Number.POSITIVE_INFINITY
    const limits = context.rateLimits
    const withLimits = limits !== undefined && limits !== null
    if (withLimits) {
      rateLimits = limits
      if (cached >= GROUP_CACHE_LIMIT) {
        byClass.clear()
        cached = 0
      }
      let known = byClass.get(modelClass)
      if (known === undefined) {
        known = newGroups()
        byClass.set(modelClass, known)
      }
      groups = known
    }
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
      const tier = h >= minUsable ? 0 : 1
      if (tier > bestTier) continue
      const isSticky = i === stickyIndex
      // Headroom is at most 1: against a best with a full group, losing on what follows headroom is losing.
      if (tier === bestTier && bestRoom >= 1 && (isSticky === bestSticky ? h < bestHealth : bestSticky))
        continue
      const room = withLimits ? roomAt(i, bestTier === 0 ? bestRoom : Number.NEGATIVE_INFINITY) : 1
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
      if (tier === 0 && bestTier !== 0) healthyFrom = i + 1
      best = i
      bestTier = tier
      bestRoom = room
      bestSticky = isSticky
      bestHealth = h
    }
    pool = NO_CANDIDATES
    rateLimits = NO_LIMITS
    return best
  }
}

function newGroups(): Groups {
  return { org: new Map(), account: new Map(), slotIds: [], slotGroups: [] }
}
