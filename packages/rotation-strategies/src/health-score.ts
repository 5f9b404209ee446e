import { definedOnly, type OptionsOf } from "./_defined-only.ts"
import type { HealthEvent } from "./failure-class.ts"
import { ROTATION_ERROR_CODES, RotationError } from "./rotation-error.ts"

/** An account's health as stored: the score at `updatedAt`; recovery since then is computed, not stored. */
export interface HealthState {
  readonly score: number
  /** Epoch ms of the last change. */
  readonly updatedAt: number
}

/** The health score's rules. */
export interface HealthConfig {
  /** Score of an account never seen. */
  readonly initial: number
  /** Lowest score. */
  readonly min: number
  /** Highest score; passive recovery stops here. */
  readonly max: number
  /** Change on success. */
  readonly success: number
  /** Change on a 429. */
  readonly rateLimit: number
  /** Change on an account failure (auth, permission, transport, a broken stream). */
  readonly failure: number
  /** Change on a service error (529/500/504), which is not the account's fault. */
  readonly service: number
  /** Passive recovery per hour since the last change. */
  readonly recoveryPerHour: number
  /** Accounts at or above this are preferred; those below are used only when no other can serve. */
  readonly minUsable: number
}

/**
 * The proven defaults: initial 70, bounds 0–100, +1 success, −10 rate limit, −20 failure, −1 service, +2/h
 * passive recovery, usable at 50 and above.
 */
export const DEFAULT_HEALTH_CONFIG: HealthConfig = Object.freeze({
  initial: 70,
  min: 0,
  max: 100,
  success: 1,
  rateLimit: -10,
  failure: -20,
  service: -1,
  recoveryPerHour: 2,
  minUsable: 50,
})

const HOUR = 3_600_000

/**
 * The score of `state` at `now`: the stored score plus passive recovery since `updatedAt`, within `[min, max]`.
 * An unknown account (`undefined`) scores `initial`; a clock that went back recovers nothing.
 *
 * @example
 * healthScore({ score: 50, updatedAt: 0 }, 3 * 3_600_000) // 56
 */
export function healthScore(
  state: HealthState | undefined,
  now: number,
  config: HealthConfig = DEFAULT_HEALTH_CONFIG,
): number {
  if (state === undefined || state === null) return config.initial
  const base = Number.isFinite(state.score) ? state.score : config.initial
  const elapsed = now - state.updatedAt
  const score = elapsed > 0 ? base + (config.recoveryPerHour * elapsed) / HOUR : base
  return score < config.min ? config.min : Math.min(score, config.max)
}

/**
 * The state after `event` at `now`: the current score (with recovery) moved by the event's change and kept
 * within `[min, max]`.
 *
 * @example
 * updateHealth(undefined, "rate-limit", Date.now()).score // 60
 */
export function updateHealth(
  state: HealthState | undefined,
  event: HealthEvent,
  now: number,
  config: HealthConfig = DEFAULT_HEALTH_CONFIG,
): HealthState {
  const current = healthScore(state, now, config)
  const delta =
    event === "success"
      ? config.success
      : event === "rate-limit"
        ? config.rateLimit
        : event === "failure"
          ? config.failure
          : event === "service"
            ? config.service
            : 0
  const moved = current + delta
  const score = moved < config.min ? config.min : Math.min(moved, config.max)
  const updatedAt = state && Number.isFinite(state.updatedAt) && state.updatedAt > now ? state.updatedAt : now
  return { score, updatedAt }
}

/** Whether the account scores at least `minUsable` at `now`. */
export function isHealthUsable(
  state: HealthState | undefined,
  now: number,
  config: HealthConfig = DEFAULT_HEALTH_CONFIG,
): boolean {
  return healthScore(state, now, config) >= config.minUsable
}

/**
 * A full health config from partial options over the defaults.
 *
 * @throws {RotationError} `ERR_ROTATION_INVALID_OPTIONS` when a value is not a finite number, `min > max`, or the
 * initial or usable score lies outside `[min, max]`.
 */
export function resolveHealthConfig(options: OptionsOf<HealthConfig> = {}): HealthConfig {
  const config = { ...DEFAULT_HEALTH_CONFIG, ...definedOnly<HealthConfig>(options) }
  for (const [name, value] of Object.entries(config)) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalid(`health.${name} must be a finite number, got ${String(value)}`)
    }
  }
  if (config.min > config.max)
    throw invalid(`health.min (${config.min}) must not exceed health.max (${config.max})`)
  if (config.initial < config.min || config.initial > config.max) {
    throw invalid(`health.initial (${config.initial}) must lie within [${config.min}, ${config.max}]`)
  }
  if (config.recoveryPerHour < 0) throw invalid("health.recoveryPerHour must not be negative")
  return Object.freeze(config)
}

function invalid(what: string): RotationError {
  return new RotationError(
    ROTATION_ERROR_CODES.INVALID_OPTIONS,
    `Invalid health options: ${what}; fix the option or leave it out for the default.`,
  )
}
