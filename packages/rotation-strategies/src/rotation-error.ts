const MARKER = Symbol.for("keyrelay.error.RotationError")

/** Stable codes of every RotationError; match on these, never on messages. */
export const ROTATION_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_ROTATION_INVALID_OPTIONS",
  /** `createStrategy` was given a name that is not one of `STRATEGY_NAMES`. */
  UNKNOWN_STRATEGY: "ERR_ROTATION_UNKNOWN_STRATEGY",
} as const

/** One of ROTATION_ERROR_CODES. */
export type RotationErrorCode = (typeof ROTATION_ERROR_CODES)[keyof typeof ROTATION_ERROR_CODES]

/**
 * The one error class of `@keyrelay/rotation-strategies`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class RotationError extends Error {
  readonly code: RotationErrorCode
  readonly [MARKER] = true

  constructor(code: RotationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "RotationError"
    this.code = code
  }

  /** Recognises an RotationError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is RotationError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an RotationError (from any installed copy of this package). */
export function isRotationError(value: unknown): value is RotationError {
  return RotationError.isInstance(value)
}
