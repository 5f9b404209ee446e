import { createHash } from "node:crypto"
import type { PromptPart } from "./estimate-tokens.ts"

/** The input side of `usage`, split the way the API splits it. */
export interface InputUsage {
  inputTokens: number
  cacheCreationInputTokens: number
  cacheReadInputTokens: number
  cacheCreation5mTokens: number
  cacheCreation1hTokens: number
}

const TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const

/**
 * A prompt cache per organization and model, by the mock's clock: the longest cached breakpoint
 * prefix is read, everything from there to the last breakpoint is written, the rest is plain input.
 * No minimum prefix length is enforced (the real API silently skips short prefixes).
 *
 * @see reference/anthropic-api.md §1 ("Where usage appears"), §6 ("Prompt caching rules")
 */
export class PromptCache {
  private readonly entries = new Map<string, number>()

  /**
   * Splits the request's input into uncached, cache-write and cache-read tokens; `commit()` records the
   * writes (call it only once the request is admitted).
   */
  measure(scope: string, parts: readonly PromptPart[], now: number): InputUsage & { commit(): void } {
    const total = parts.reduce((n, p) => n + p.tokens, 0)
    const hash = createHash("sha256").update(scope)
    const breakpoints: { key: string; tokens: number; ttl: "5m" | "1h" }[] = []
    let tokens = 0
    for (const p of parts) {
      hash.update(p.json)
      tokens += p.tokens
      if (p.breakpoint) breakpoints.push({ key: hash.copy().digest("hex"), tokens, ttl: p.breakpoint })
    }
    let read = 0
    for (const bp of breakpoints) {
      const until = this.entries.get(bp.key)
      if (until !== undefined && until > now) read = bp.tokens
    }
    const last = breakpoints.at(-1)
    const written = last ? Math.max(0, last.tokens - read) : 0
    let oneHour = 0
    const commit = () => {
      for (const bp of breakpoints) {
        const prev = this.entries.get(bp.key)
        this.entries.set(bp.key, Math.max(prev ?? 0, now + TTL_MS[bp.ttl]))
      }
    }
    // Tokens written up to the last 1 h breakpoint are billed as 1 h writes, the rest as 5 m writes.
    const lastHour = breakpoints.filter((b) => b.ttl === "1h").at(-1)
    if (lastHour && written > 0) oneHour = Math.max(0, Math.min(written, lastHour.tokens - read))
    return {
      inputTokens: Math.max(1, total - read - written),
      cacheCreationInputTokens: written,
      cacheReadInputTokens: read,
      cacheCreation5mTokens: written - oneHour,
      cacheCreation1hTokens: oneHour,
      commit,
    }
  }

  clear(): void {
    this.entries.clear()
  }
}
