import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isRotationError } from "./rotation-error.ts"
import { bucketTokens, resolveTokenBucketConfig, type TokenBucketState, takeToken } from "./token-bucket.ts"

const MINUTE = 60_000
const T0 = Date.UTC(2026, 9, 8)

describe("token bucket", () => {
  it("starts full at 50 and spends one token per request", () => {
    expect(bucketTokens(undefined, T0)).toBe(50)
    expect(takeToken(undefined, T0)).toEqual({ tokens: 49, updatedAt: T0 })
  })

  it("refills 6 per minute on a fake clock, up to capacity", () => {
    let state: TokenBucketState | undefined
    for (let i = 0; i < 50; i++) state = takeToken(state, T0)
    expect(bucketTokens(state, T0)).toBe(0)
    expect(takeToken(state, T0).tokens).toBe(0)
    expect(bucketTokens(state, T0 + 30_000)).toBe(3)
    expect(bucketTokens(state, T0 + 5 * MINUTE)).toBe(30)
    expect(bucketTokens(state, T0 + 60 * MINUTE)).toBe(50)
  })

  it("property: tokens stay within [0, capacity]", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -MINUTE, max: 10 * MINUTE }), { maxLength: 100 }), (steps) => {
        let state: TokenBucketState | undefined
        let now = T0
        for (const step of steps) {
          now += step
          state = takeToken(state, now)
          const tokens = bucketTokens(state, now)
          expect(tokens).toBeGreaterThanOrEqual(0)
          expect(tokens).toBeLessThanOrEqual(50)
        }
      }),
    )
  })

  it("validates configs", () => {
    expect(resolveTokenBucketConfig({ capacity: 10 })).toEqual({ capacity: 10, refillPerMinute: 6 })
    for (const bad of [{ capacity: 0 }, { refillPerMinute: -1 }, { capacity: Number.POSITIVE_INFINITY }]) {
      let thrown: unknown
      try {
        resolveTokenBucketConfig(bad)
      } catch (error) {
        thrown = error
      }
      expect(isRotationError(thrown) && thrown.code).toBe("ERR_ROTATION_INVALID_OPTIONS")
    }
  })
})
