import { forEachEntry } from "./_entries.ts"
import type { CooldownLike } from "./cooldown.ts"
import { type ParsedCooldownKey, parseCooldownKey } from "./cooldown-key.ts"
import type { Candidate, PickContext } from "./strategy.ts"

const PARSE_CACHE_LIMIT = 10_000

/**
 * Which candidates are out for one pick. Built once per pick from the cooldowns in force and the keys to
 * avoid (a handful), then asked per candidate with at most three set lookups on ids already on the candidate,
 * so a pick over many accounts builds no key strings. Instances are reused across picks.
 */
export class Availability {
  private readonly accounts = new Set<string>()
  private readonly orgs = new Set<string>()
  private readonly workspaces = new Set<string>()
  private readonly parsed = new Map<string, ParsedCooldownKey | null>()
  private blocking = false
  private exclude: ReadonlySet<string> | undefined
  private modelClass = ""
  private now = 0
  private readonly onCooldown = (key: string, cooldown: CooldownLike): void => {
    if (cooldown.until > this.now) this.block(key)
  }

  prepare(context: PickContext): void {
    if (this.blocking) {
      this.accounts.clear()
      this.orgs.clear()
      this.workspaces.clear()
      this.blocking = false
    }
    this.now = context.now
    this.modelClass = context.modelClass
    this.exclude = context.exclude && context.exclude.size > 0 ? context.exclude : undefined
    forEachEntry(context.cooldowns, this.onCooldown)
    if (context.avoid) for (const key of context.avoid) this.block(key)
  }

  isBlocked(candidate: Candidate): boolean {
    if (this.exclude?.has(candidate.id)) return true
    if (!this.blocking) return false
    if (this.accounts.size > 0 && this.accounts.has(candidate.id)) return true
    const org = candidate.organizationId
    if (org !== undefined && this.orgs.size > 0 && this.orgs.has(org)) return true
    const workspace = candidate.workspaceId
    return workspace !== undefined && this.workspaces.size > 0 && this.workspaces.has(workspace)
  }

  private block(key: string): void {
    let parsed = this.parsed.get(key)
    if (parsed === undefined) {
      if (this.parsed.size >= PARSE_CACHE_LIMIT) this.parsed.clear()
      parsed = parseCooldownKey(key) ?? null
      this.parsed.set(key, parsed)
    }
    if (parsed === null) return
    if (parsed.modelClass !== undefined && parsed.modelClass !== this.modelClass) return
    const set = parsed.kind === "acct" ? this.accounts : parsed.kind === "org" ? this.orgs : this.workspaces
    set.add(parsed.id)
    this.blocking = true
  }
}
