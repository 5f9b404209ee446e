const MARKER = Symbol.for("keyrelay.error.TestUtilsError")

/** Stable codes of every TestUtilsError; match on these, never on messages. */
export const TEST_UTILS_ERROR_CODES = {
  /** A mock option or a JSON config passed to the mock is missing or malformed. */
  INVALID_CONFIG: "ERR_TEST_UTILS_INVALID_CONFIG",
  /** A control operation named a credential label the mock does not know. */
  UNKNOWN_CREDENTIAL: "ERR_TEST_UTILS_UNKNOWN_CREDENTIAL",
  /** `waitForRequests` (or another wait) ran out of time. */
  WAIT_TIMEOUT: "ERR_TEST_UTILS_WAIT_TIMEOUT",
  /** A server could not listen on 127.0.0.1 or on the unix socket. */
  LISTEN_FAILED: "ERR_TEST_UTILS_LISTEN_FAILED",
} as const

/** One of TEST_UTILS_ERROR_CODES. */
export type TestUtilsErrorCode = (typeof TEST_UTILS_ERROR_CODES)[keyof typeof TEST_UTILS_ERROR_CODES]

/**
 * The one error class of `@keyrelay/test-utils`. Messages say what happened, to what, and what to do
 * next, and never contain a secret; `cause` carries the underlying error.
 */
export class TestUtilsError extends Error {
  readonly code: TestUtilsErrorCode
  readonly [MARKER] = true

  constructor(code: TestUtilsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "TestUtilsError"
    this.code = code
  }

  /** Recognises a TestUtilsError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is TestUtilsError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is a TestUtilsError (from any installed copy of this package). */
export function isTestUtilsError(value: unknown): value is TestUtilsError {
  return TestUtilsError.isInstance(value)
}
