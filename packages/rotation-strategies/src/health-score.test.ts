import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  DEFAULT_HEALTH_CONFIG,
  type HealthState,
  healthScore,
  isHealthUsable,
  resolveHealthConfig,
  updateHealth,
} from "./health-score.ts"
import { isRotationError } from "./rotation-error.ts"

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 9, 8)

describe("health score", () => {
  it("starts at 70 and moves by the proven defaults", () => {
    expect(healthScore(undefined, T0)).toBe(70)
    expect(updateHealth(undefined, "success", T0).score).toBe(71)
    expect(updateHealth(undefined, "rate-limit", T0).score).toBe(60)
    expect(updateHealth(undefined, "failure", T0).score).toBe(50)
    expect(updateHealth(undefined, "service", T0).score).toBe(69)
    expect(updateHealth(undefined, "none", T0).score).toBe(70)
  })

  it("recovers +2 per hour on a fake clock, up to the maximum", () => {
    let state: HealthState = updateHealth(undefined, "failure", T0)
    state = updateHealth(state, "failure", T0) // 30
    expect(isHealthUsable(state, T0)).toBe(false)
    expect(healthScore(state, T0 + 5 * HOUR)).toBe(40)
    expect(healthScore(state, T0 + 10 * HOUR)).toBe(50)
    expect(isHealthUsable(state, T0 + 10 * HOUR)).toBe(true)
    expect(healthScore(state, T0 + 1000 * HOUR)).toBe(100)
  })

  it("folds recovery in on each update", () => {
    const state = updateHealth({ score: 40, updatedAt: T0 }, "success", T0 + 2 * HOUR)
    expect(state).toEqual({ score: 45, updatedAt: T0 + 2 * HOUR })
  })

  it("a clock going back recovers nothing and never moves updatedAt back", () => {
    const state = { score: 40, updatedAt: T0 }
    expect(healthScore(state, T0 - HOUR)).toBe(40)
    expect(updateHealth(state, "success", T0 - HOUR).updatedAt).toBe(T0)
  })

  it("property: the score stays within [min, max] for any events at any times", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("success", "rate-limit", "failure", "service", "none" as const),
            fc.integer({ min: -HOUR, max: 100 * HOUR }),
          ),
          { maxLength: 60 },
        ),
        (events) => {
          let state: HealthState | undefined
          let now = T0
          for (const [event, step] of events) {
            now += step
            state = updateHealth(state, event, now)
            const score = healthScore(state, now)
            expect(score).toBeGreaterThanOrEqual(DEFAULT_HEALTH_CONFIG.min)
            expect(score).toBeLessThanOrEqual(DEFAULT_HEALTH_CONFIG.max)
          }
        },
      ),
    )
  })

  it("tolerates a corrupt stored score", () => {
    expect(healthScore({ score: Number.NaN, updatedAt: T0 }, T0)).toBe(70)
    expect(healthScore({ score: 1e9, updatedAt: T0 }, T0)).toBe(100)
  })

  it("validates configs", () => {
    expect(resolveHealthConfig({ minUsable: 40, initial: undefined }).minUsable).toBe(40)
    for (const bad of [
      { min: 10, max: 5 },
      { initial: 101 },
      { success: Number.NaN },
      { recoveryPerHour: -1 },
    ]) {
      let thrown: unknown
      try {
        resolveHealthConfig(bad)
      } catch (error) {
        thrown = error
      }
      expect(isRotationError(thrown) && thrown.code).toBe("ERR_ROTATION_INVALID_OPTIONS")
    }
  })
})
