import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { headroomOf, parseRateLimitHeaders, type RateLimitSnapshot } from "./parse-rate-limit-headers.ts"

const NOW = Date.UTC(2026, 9, 8, 12)

const FULL = {
  "anthropic-ratelimit-requests-limit": "1000",
  "anthropic-ratelimit-requests-remaining": "999",
  "anthropic-ratelimit-requests-reset": "2026-10-08T12:00:00.060Z",
  "anthropic-ratelimit-tokens-limit": "2400000",
  "anthropic-ratelimit-tokens-remaining": "2399000",
  "anthropic-ratelimit-tokens-reset": "2026-10-08T12:00:01Z",
  "anthropic-ratelimit-input-tokens-limit": "2000000",
  "anthropic-ratelimit-input-tokens-remaining": "2000000",
  "anthropic-ratelimit-input-tokens-reset": "2026-10-08T12:00:00Z",
  "anthropic-ratelimit-output-tokens-limit": "400000",
  "anthropic-ratelimit-output-tokens-remaining": "399000",
  "anthropic-ratelimit-output-tokens-reset": "2026-10-08T12:00:09Z",
  "anthropic-fast-input-tokens-limit": "100000",
  "anthropic-fast-input-tokens-remaining": "50000",
  "anthropic-fast-input-tokens-reset": "2026-10-08T12:00:30Z",
  "anthropic-priority-output-tokens-limit": "80000",
}

describe("parseRateLimitHeaders", () => {
  it("reads every family of reference §3 into the snapshot shape", () => {
    expect(parseRateLimitHeaders(FULL, NOW)).toEqual({
      observedAt: NOW,
      requests: { limit: 1000, remaining: 999, resetAt: NOW + 60 },
      tokens: { limit: 2_400_000, remaining: 2_399_000, resetAt: NOW + 1000 },
      inputTokens: { limit: 2_000_000, remaining: 2_000_000, resetAt: NOW },
      outputTokens: { limit: 400_000, remaining: 399_000, resetAt: NOW + 9000 },
      fastInputTokens: { limit: 100_000, remaining: 50_000, resetAt: NOW + 30_000 },
      priorityOutputTokens: { limit: 80_000 },
    })
  })

  it("works with Web Headers and mixed-case records", () => {
    const headers = new Headers(FULL)
    expect(parseRateLimitHeaders(headers, NOW)?.requests?.remaining).toBe(999)
    expect(parseRateLimitHeaders({ "Anthropic-RateLimit-Requests-Remaining": "5" }, NOW)?.requests).toEqual({
      remaining: 5,
    })
  })

  it("skips garbled values and returns undefined when nothing is readable", () => {
    expect(
      parseRateLimitHeaders(
        {
          "anthropic-ratelimit-requests-limit": "lots",
          "anthropic-ratelimit-requests-remaining": "-1",
          "anthropic-ratelimit-requests-reset": "soon",
        },
        NOW,
      ),
    ).toBeUndefined()
    expect(parseRateLimitHeaders({}, NOW)).toBeUndefined()
    expect(parseRateLimitHeaders(undefined, NOW)).toBeUndefined()
  })

  it("never throws on arbitrary header records", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...Object.keys(FULL)), fc.string()), (headers) => {
        const snapshot = parseRateLimitHeaders(headers, NOW)
        if (snapshot) expect(snapshot.observedAt).toBe(NOW)
      }),
    )
  })
})

describe("headroomOf", () => {
  const snapshot: RateLimitSnapshot = {
    observedAt: NOW,
    requests: { limit: 100, remaining: 50, resetAt: NOW + 10_000 },
    outputTokens: { limit: 1000, remaining: 200, resetAt: NOW + 60_000 },
  }

  it("is the tightest bucket's share at observation", () => {
    expect(headroomOf(snapshot, NOW)).toBeCloseTo(0.2)
  })

  it("refills linearly towards the reset, and is full after it", () => {
    expect(headroomOf(snapshot, NOW + 30_000)).toBeCloseTo(0.6)
    expect(headroomOf(snapshot, NOW + 60_000)).toBe(1)
  })

  it("reads fast-mode buckets for fast classes", () => {
    const fast: RateLimitSnapshot = {
      ...snapshot,
      fastOutputTokens: { limit: 100, remaining: 10, resetAt: NOW + 1000 },
    }
    expect(headroomOf(fast, NOW, true)).toBeCloseTo(0.1)
    expect(headroomOf(fast, NOW, false)).toBeCloseTo(0.2)
  })

  it("is 1 for an unknown group and stays within [0, 1]", () => {
    expect(headroomOf(undefined, NOW)).toBe(1)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: -10, max: 2e6 }),
        fc.integer({ min: -1e5, max: 1e5 }),
        fc.integer({ min: -1e5, max: 1e5 }),
        (limit, remaining, reset, later) => {
          const room = headroomOf(
            { observedAt: NOW, tokens: { limit, remaining, resetAt: NOW + reset } },
            NOW + later,
          )
          expect(room).toBeGreaterThanOrEqual(0)
          expect(room).toBeLessThanOrEqual(1)
        },
      ),
    )
  })
})
