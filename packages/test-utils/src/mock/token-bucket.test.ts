import { describe, expect, it } from "vitest"
import { TokenBucket } from "./token-bucket.ts"

describe("TokenBucket", () => {
  it("starts full and refills continuously at capacity per minute", () => {
    const b = new TokenBucket(60, 0)
    expect(b.available(0)).toBe(60)
    b.take(60, 0)
    expect(b.available(0)).toBe(0)
    expect(b.available(1_000)).toBeCloseTo(1)
    expect(b.available(30_000)).toBeCloseTo(30)
    expect(b.available(120_000)).toBe(60)
  })

  it("says how long until an amount is there, and when it is full", () => {
    const b = new TokenBucket(600, 0)
    b.take(600, 0)
    expect(b.msUntil(1, 0)).toBe(100)
    expect(b.msUntil(300, 0)).toBe(30_000)
    expect(b.msUntil(601, 0)).toBe(Number.POSITIVE_INFINITY)
    expect(b.fullAt(0)).toBe(60_000)
    expect(b.msUntil(1, 100)).toBe(0)
  })

  it("goes below zero on an overdraft and refills from there", () => {
    const b = new TokenBucket(60, 0)
    b.take(90, 0)
    expect(b.available(0)).toBe(-30)
    expect(b.msUntil(1, 0)).toBe(31_000)
    expect(b.fullAt(0)).toBe(90_000)
  })
})
