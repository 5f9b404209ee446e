import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DEFAULT_RETRY_POLICY, retryDelay, shouldRetryResponse } from "./retry-policy.ts"

const NOW = Date.UTC(2026, 9, 8, 12)

describe("retryDelay (the official SDK's policy)", () => {
  it("doubles from 0.5 s up to 8 s", () => {
    expect(
      [0, 1, 2, 3, 4, 5, 9].map((attempt) => retryDelay({ attempt, now: NOW, random: () => 0 })),
    ).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000])
  })

  it("property: jitter removes at most 25 %", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, roll) => {
          const nominal = retryDelay({ attempt, now: NOW, random: () => 0 })
          const delay = retryDelay({ attempt, now: NOW, random: () => roll })
          expect(delay).toBeLessThanOrEqual(nominal)
          expect(delay).toBeGreaterThanOrEqual(nominal * 0.75)
        },
      ),
    )
  })

  it("obeys retry-after-ms, then retry-after, when positive and at most 60 s", () => {
    const at = (headers: Record<string, string>) =>
      retryDelay({ attempt: 0, headers, now: NOW, random: () => 0 })
    expect(at({ "retry-after-ms": "1234" })).toBe(1234)
    expect(at({ "retry-after": "3" })).toBe(3000)
    expect(at({ "retry-after": "Thu, 08 Oct 2026 12:00:10 GMT" })).toBe(10_000)
    expect(at({ "retry-after": "61" })).toBe(500)
    expect(at({ "retry-after": "0" })).toBe(500)
    expect(at({ "retry-after-ms": "junk" })).toBe(500)
  })

  it("takes a custom policy", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 250 }
    expect(retryDelay({ attempt: 5, now: NOW, random: () => 0, policy })).toBe(250)
  })
})

describe("shouldRetryResponse", () => {
  it.each([
    [408, {}, true],
    [409, {}, true],
    [429, {}, true],
    [500, {}, true],
    [529, {}, true],
    [400, {}, false],
    [404, {}, false],
    [500, { "x-should-retry": "false" }, false],
    [400, { "x-should-retry": "true" }, true],
    [529, { "x-should-retry": "maybe" }, true],
  ])("%i %j → %p", (status, headers, expected) => {
    expect(shouldRetryResponse(status, headers)).toBe(expected)
  })
})
