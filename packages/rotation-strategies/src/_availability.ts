import { forEachEntry, getEntry } from "./_entries.ts"
import type { CooldownLike, CooldownMap } from "./cooldown.ts"
import { cooldownKeysOf, type ParsedCooldownKey, parseCooldownKey } from "./cooldown-key.ts"
import type { Candidate, PickContext } from "./strategy.ts"

const CACHE_LIMIT = 10_000
/** Candidates asked about one by one before a pick reads every cooldown instead. */
const LOOKUP_LIMIT = 32

type KeyPair = readonly [string, string] | null

/** The cooldown keys of accounts, organizations and workspaces for one model class, built once. */
interface ClassKeys {
  readonly acct: Map<string, KeyPair>
  readonly org: Map<string, KeyPair>
  readonly ws: Map<string, KeyPair>
}

/**
 * Which candidates are out for one pick. A cooldown keeps a candidate out when its key names the candidate's
 * account, organization or workspace, for every model class or for the pick's ({@link parseCooldownKey}), and its
 * `until` is after `now`; an `avoid` key does so whatever its cooldown; `exclude` names accounts.
 *
 * Choosers ask only about candidates that would beat the best so far, usually a handful per pick, so each answer
 * looks up the candidate's own keys (six at most, their strings built once and kept) rather than reading every
 * cooldown: an account-store record of hundreds of cooldowns is a hash table whose keys V8 would sort at each
 * read. Past {@link LOOKUP_LIMIT} questions in one pick, every cooldown is read once and the ids it names are
 * stamped with the pick's number (no set is rebuilt per pick); both ways give the same answers. Instances are
 * reused across picks.
 */
export class Availability {
  private readonly accounts = new Map<string, number>()
  private readonly orgs = new Map<string, number>()
  private readonly workspaces = new Map<string, number>()
  private readonly parsed = new Map<string, ParsedCooldownKey | null>()
  private readonly keysByClass = new Map<string, ClassKeys>()
  private keyCount = 0
  private keys: ClassKeys | undefined
  private stamp = 0
  private anyAccount = false
  private anyOrg = false
  private anyWorkspace = false
  private exclude: ReadonlySet<string> | undefined
  private cooldowns: CooldownMap | undefined
  private lookups = 0
  private modelClass = ""
  private now = 0
  private readonly onCooldown = (key: string, cooldown: CooldownLike): void => {
    if (cooldown.until > this.now) this.block(key)
  }

  prepare(context: PickContext): void {
    this.stamp++
    this.anyAccount = false
    this.anyOrg = false
    this.anyWorkspace = false
    this.now = context.now
    this.exclude = context.exclude && context.exclude.size > 0 ? context.exclude : undefined
    this.cooldowns = context.cooldowns ?? undefined
    this.lookups = 0
    if (this.keys === undefined || this.modelClass !== context.modelClass || this.keyCount >= CACHE_LIMIT) {
      this.modelClass = context.modelClass
      this.keys = this.keysOf(context.modelClass)
    }
    if (context.avoid) for (const key of context.avoid) this.block(key)
  }

  isBlocked(candidate: Candidate): boolean {
    if (this.exclude?.has(candidate.id)) return true
    if (this.isStamped(candidate)) return true
    const cooldowns = this.cooldowns
    if (cooldowns === undefined) return false
    if (++this.lookups <= LOOKUP_LIMIT) return this.isCooling(cooldowns, candidate)
    // Many questions in this pick: read every cooldown once, and answer the rest from the stamps.
    forEachEntry(cooldowns, this.onCooldown)
    this.cooldowns = undefined
    return this.isStamped(candidate)
  }

  private isStamped(candidate: Candidate): boolean {
    if (this.anyAccount && this.accounts.get(candidate.id) === this.stamp) return true
    const org = candidate.organizationId
    if (this.anyOrg && org !== undefined && this.orgs.get(org) === this.stamp) return true
    const workspace = candidate.workspaceId
    return this.anyWorkspace && workspace !== undefined && this.workspaces.get(workspace) === this.stamp
  }

  private isCooling(cooldowns: CooldownMap, candidate: Candidate): boolean {
    const keys = this.keys!
    if (this.inForce(cooldowns, this.pairOf(keys.acct, "acct", candidate.id))) return true
    const org = candidate.organizationId
    if (org !== undefined && this.inForce(cooldowns, this.pairOf(keys.org, "org", org))) return true
    const workspace = candidate.workspaceId
    return workspace !== undefined && this.inForce(cooldowns, this.pairOf(keys.ws, "ws", workspace))
  }

  private inForce(cooldowns: CooldownMap, pair: KeyPair): boolean {
    if (pair === null) return false
    const plain = getEntry(cooldowns, pair[0])
    if (plain !== undefined && plain !== null && plain.until > this.now) return true
    const model = getEntry(cooldowns, pair[1])
    return model !== undefined && model !== null && model.until > this.now
  }

  private pairOf(map: Map<string, KeyPair>, kind: ParsedCooldownKey["kind"], id: string): KeyPair {
    let pair = map.get(id)
    if (pair === undefined) {
      pair = cooldownKeysOf(kind, id, this.modelClass) ?? null
      map.set(id, pair)
      this.keyCount++
    }
    return pair
  }

  private keysOf(modelClass: string): ClassKeys {
    if (this.keyCount >= CACHE_LIMIT) {
      this.keysByClass.clear()
      this.keyCount = 0
    }
    let keys = this.keysByClass.get(modelClass)
    if (keys === undefined) {
      keys = newClassKeys()
      this.keysByClass.set(modelClass, keys)
    }
    return keys
  }

  private block(key: string): void {
    let parsed = this.parsed.get(key)
    if (parsed === undefined) {
      if (this.parsed.size >= CACHE_LIMIT) this.parsed.clear()
      parsed = parseCooldownKey(key) ?? null
      this.parsed.set(key, parsed)
    }
    if (parsed === null) return
    if (parsed.modelClass !== undefined && parsed.modelClass !== this.modelClass) return
    if (parsed.kind === "acct") {
      this.anyAccount = true
      stampInto(this.accounts, parsed.id, this.stamp)
    } else if (parsed.kind === "org") {
      this.anyOrg = true
      stampInto(this.orgs, parsed.id, this.stamp)
    } else {
      this.anyWorkspace = true
      stampInto(this.workspaces, parsed.id, this.stamp)
    }
  }
}

function newClassKeys(): ClassKeys {
  return { acct: new Map(), org: new Map(), ws: new Map() }
}

function stampInto(map: Map<string, number>, id: string, stamp: number): void {
  if (map.size >= CACHE_LIMIT && !map.has(id)) map.clear()
  map.set(id, stamp)
}
