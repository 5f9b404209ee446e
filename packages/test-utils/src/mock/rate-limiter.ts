import type { MockOrganization, MockWorkspace } from "./mock-config.ts"
import { applyLimitOverrides, type ResolvedLimits, tierLimits } from "./tier-limits.ts"
import { TokenBucket } from "./token-bucket.ts"

/** The three limiters of a bucket group, named as in the `anthropic-ratelimit-*` headers. */
export type Limiter = "requests" | "input-tokens" | "output-tokens"

const LIMITERS: readonly Limiter[] = ["requests", "input-tokens", "output-tokens"]
const LIMIT_FIELD = {
  requests: "requestsPerMinute",
  "input-tokens": "inputTokensPerMinute",
  "output-tokens": "outputTokensPerMinute",
} as const
const UNIT = {
  requests: "requests",
  "input-tokens": "input tokens",
  "output-tokens": "output tokens",
} as const

/** Exact state of one limiter, for assertions (headers round token counts; this does not). */
export interface LimiterSnapshot {
  limit: number
  remaining: number
  /** Epoch ms when the bucket is full again. */
  resetAt: number
}

/** Exact state of the buckets that apply to an organization (and workspace) for one model class. */
export interface RateLimitSnapshot {
  requests: LimiterSnapshot
  inputTokens: LimiterSnapshot
  outputTokens: LimiterSnapshot
}

/** What a request costs: ITPM counts uncached input plus cache writes (never cache reads); OTPM the output. */
export interface RequestCost {
  inputTokens: number
  outputTokens: number
}

/** The outcome of asking the limiter for room. */
export type Admission =
  | { ok: true; headers: Record<string, string> }
  | {
      ok: false
      headers: Record<string, string>
      retryAfterSeconds: number
      message: string
    }

interface Group {
  scope: "organization" | "workspace"
  id: string
  buckets: Partial<Record<Limiter, TokenBucket>>
}

/** RFC 3339 without fractions, rounded up to the second so a reset is never announced early. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")
}

const thousand = (n: number) => Math.max(0, Math.round(n / 1000) * 1000)

/**
 * Token buckets per organization × model class (plus lower per-workspace buckets where configured),
 * shared by every credential of the organization, as on the real API.
 *
 * @see reference/anthropic-api.md §3 ("How limits are scoped", "Response headers")
 */
export class RateLimiter {
  private readonly groups = new Map<string, Group>()

  private group(
    org: MockOrganization,
    workspace: MockWorkspace | undefined,
    modelClass: string,
    now: number,
  ) {
    const orgLimits = applyLimitOverrides(tierLimits(org.tier ?? "start", modelClass), org.limits, modelClass)
    const out: Group[] = [this.groupFor("organization", org.id, modelClass, orgLimits, now)]
    const wsOverrides = workspace?.limits
      ? { ...workspace.limits.default, ...workspace.limits[modelClass] }
      : undefined
    if (workspace && wsOverrides && Object.keys(wsOverrides).length > 0) {
      const partial: Partial<ResolvedLimits> = {}
      for (const l of LIMITERS) {
        const v = wsOverrides[LIMIT_FIELD[l]]
        if (v !== undefined && v < orgLimits[LIMIT_FIELD[l]]) partial[LIMIT_FIELD[l]] = v
      }
      out.push(this.groupFor("workspace", workspace.id, modelClass, partial, now))
    }
    return out
  }

  private groupFor(
    scope: Group["scope"],
    id: string,
    modelClass: string,
    limits: Partial<ResolvedLimits>,
    now: number,
  ): Group {
    const key = `${scope}:${id}|${modelClass}`
    let g = this.groups.get(key)
    if (!g) {
      g = { scope, id, buckets: {} }
      this.groups.set(key, g)
    }
    for (const l of LIMITERS) {
      const cap = limits[LIMIT_FIELD[l]]
      const existing = g.buckets[l]
      if (cap === undefined) delete g.buckets[l]
      else if (!existing || existing.capacity !== cap) g.buckets[l] = new TokenBucket(cap, now)
    }
    return g
  }

  /** The bucket of each limiter that binds hardest (lowest remaining), across organization and workspace. */
  private binding(groups: Group[], limiter: Limiter, now: number): { group: Group; bucket: TokenBucket } {
    let best: { group: Group; bucket: TokenBucket } | undefined
    for (const group of groups) {
      const bucket = group.buckets[limiter]
      if (bucket && (!best || bucket.available(now) < best.bucket.available(now))) best = { group, bucket }
    }
    return best!
  }

  /** Takes the cost if every applicable bucket has room; otherwise says how long to wait. */
  admit(
    org: MockOrganization,
    workspace: MockWorkspace | undefined,
    modelClass: string,
    cost: RequestCost,
    now: number,
  ): Admission {
    const groups = this.group(org, workspace, modelClass, now)
    const need: Record<Limiter, number> = {
      requests: 1,
      "input-tokens": cost.inputTokens,
      // OTPM counts tokens as they are generated: a request starts as long as the bucket is not empty.
      "output-tokens": 1,
    }
    let waitMs = 0
    let culprit: { group: Group; limiter: Limiter } | undefined
    for (const group of groups) {
      for (const l of LIMITERS) {
        const bucket = group.buckets[l]
        if (!bucket) continue
        let ms = bucket.msUntil(need[l], now)
        if (ms === Number.POSITIVE_INFINITY) ms = bucket.fullAt(now) - now
        if (ms > waitMs) {
          waitMs = ms
          culprit = { group, limiter: l }
        }
      }
    }
    if (culprit) {
      const limit = culprit.group.buckets[culprit.limiter]!.capacity
      const who = culprit.group.scope === "organization" ? "organization" : "workspace"
      return {
        ok: false,
        headers: this.headers(groups, now),
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        message:
          `This request would exceed the rate limit for your ${who} (${culprit.group.id}) of ` +
          `${limit.toLocaleString("en-US")} ${UNIT[culprit.limiter]} per minute. For details, refer to: ` +
          "https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. " +
          "Please reduce the prompt length or the maximum tokens requested, or try again later. You may also " +
          "contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
      }
    }
    const take: Record<Limiter, number> = {
      requests: 1,
      "input-tokens": cost.inputTokens,
      "output-tokens": cost.outputTokens,
    }
    for (const group of groups) for (const l of LIMITERS) group.buckets[l]?.take(take[l], now)
    return { ok: true, headers: this.headers(groups, now) }
  }

  /** The full `anthropic-ratelimit-*` header set for these groups, now. */
  private headers(groups: Group[], now: number): Record<string, string> {
    const h: Record<string, string> = {}
    for (const l of LIMITERS) {
      const { bucket } = this.binding(groups, l, now)
      const remaining = bucket.available(now)
      h[`anthropic-ratelimit-${l}-limit`] = String(bucket.capacity)
      h[`anthropic-ratelimit-${l}-remaining`] = String(
        l === "requests" ? Math.max(0, Math.floor(remaining)) : thousand(remaining),
      )
      h[`anthropic-ratelimit-${l}-reset`] = rfc3339(bucket.fullAt(now))
    }
    const workspaceTokens = groups.some(
      (g) => g.scope === "workspace" && (g.buckets["input-tokens"] || g.buckets["output-tokens"]),
    )
    if (workspaceTokens) {
      // A workspace limit is in play: report whichever token bucket is most restrictive right now.
      let best: TokenBucket | undefined
      for (const g of groups) {
        for (const l of ["input-tokens", "output-tokens"] as const) {
          const b = g.buckets[l]
          if (b && (!best || b.available(now) / b.capacity < best.available(now) / best.capacity)) best = b
        }
      }
      h["anthropic-ratelimit-tokens-limit"] = String(best!.capacity)
      h["anthropic-ratelimit-tokens-remaining"] = String(thousand(best!.available(now)))
      h["anthropic-ratelimit-tokens-reset"] = rfc3339(best!.fullAt(now))
    } else {
      const input = this.binding(groups, "input-tokens", now).bucket
      const output = this.binding(groups, "output-tokens", now).bucket
      h["anthropic-ratelimit-tokens-limit"] = String(input.capacity + output.capacity)
      h["anthropic-ratelimit-tokens-remaining"] = String(
        thousand(Math.max(0, input.available(now)) + Math.max(0, output.available(now))),
      )
      h["anthropic-ratelimit-tokens-reset"] = rfc3339(Math.max(input.fullAt(now), output.fullAt(now)))
    }
    return h
  }

  /** Exact state of the binding buckets for an organization (and workspace) and model class. */
  snapshot(
    org: MockOrganization,
    workspace: MockWorkspace | undefined,
    modelClass: string,
    now: number,
  ): RateLimitSnapshot {
    const groups = this.group(org, workspace, modelClass, now)
    const snap = (l: Limiter): LimiterSnapshot => {
      const { bucket } = this.binding(groups, l, now)
      return { limit: bucket.capacity, remaining: bucket.available(now), resetAt: bucket.fullAt(now) }
    }
    return {
      requests: snap("requests"),
      inputTokens: snap("input-tokens"),
      outputTokens: snap("output-tokens"),
    }
  }

  /** The header set a scripted 429 carries: `limiter` shown empty until `resetAt`, the rest as they are. */
  exhaustedHeaders(
    org: MockOrganization,
    workspace: MockWorkspace | undefined,
    modelClass: string,
    limiter: Limiter,
    resetAt: number,
    now: number,
  ): Record<string, string> {
    const h = this.headers(this.group(org, workspace, modelClass, now), now)
    h[`anthropic-ratelimit-${limiter}-remaining`] = "0"
    h[`anthropic-ratelimit-${limiter}-reset`] = rfc3339(resetAt)
    if (limiter !== "requests") {
      h["anthropic-ratelimit-tokens-remaining"] = "0"
      h["anthropic-ratelimit-tokens-reset"] = rfc3339(resetAt)
    }
    return h
  }

  /** Forgets every bucket (they start full again). */
  reset(): void {
    this.groups.clear()
  }
}
