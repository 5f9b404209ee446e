import { forEachEntry } from "./_entries.ts"
import type { CooldownLike } from "./cooldown.ts"
import { type ParsedCooldownKey, parseCooldownKey } from "./cooldown-key.ts"
import type { Candidate, PickContext } from "./strategy.ts"

const CACHE_LIMIT = 10_000

/**
 * Which candidates are out for one pick. Built once per pick from the cooldowns in force and the keys to avoid
 * (usually a handful), then asked per candidate with at most three lookups of ids already on the candidate, so
 * a pick builds no key strings. Blocked ids are stamped with the pick's number rather than collected in sets
 * cleared every pick, so no hash table is rebuilt per pick. Instances are reused across picks.
 */
export class Availability {
  private readonly accounts = new Map<string, number>()
  private readonly orgs = new Map<string, number>()
  private readonly workspaces = new Map<string, number>()
  private readonly parsed = new Map<string, ParsedCooldownKey | null>()
  private stamp = 0
  private anyAccount = false
  private anyOrg = false
  private anyWorkspace = false
  private exclude: ReadonlySet<string> | undefined
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
    this.modelClass = context.modelClass
    this.exclude = context.exclude && context.exclude.size > 0 ? context.exclude : undefined
    forEachEntry(context.cooldowns, this.onCooldown)
    if (context.avoid) for (const key of context.avoid) this.block(key)
  }

  isBlocked(candidate: Candidate): boolean {
    if (this.exclude?.has(candidate.id)) return true
    if (this.anyAccount && this.accounts.get(candidate.id) === this.stamp) return true
    const org = candidate.organizationId
    if (this.anyOrg && org !== undefined && this.orgs.get(org) === this.stamp) return true
    const workspace = candidate.workspaceId
    return this.anyWorkspace && workspace !== undefined && this.workspaces.get(workspace) === this.stamp
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

function stampInto(map: Map<string, number>, id: string, stamp: number): void {
  if (map.size >= CACHE_LIMIT && !map.has(id)) map.clear()
  map.set(id, stamp)
}
