import type { OpencodeRunResult } from "./opencode/run-opencode.ts"

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
  /** An option passed to the OpenCode harness is missing or malformed. */
  OPENCODE_INVALID_OPTIONS: "ERR_OPENCODE_INVALID_OPTIONS",
  /** No installed platform package of `opencode-ai` holds a usable binary of the pinned version. */
  OPENCODE_BINARY_NOT_FOUND: "ERR_OPENCODE_BINARY_NOT_FOUND",
  /** `isolation: "namespace"` was asked for but no loopback-only network namespace could be made. */
  OPENCODE_NAMESPACE_UNAVAILABLE: "ERR_OPENCODE_NAMESPACE_UNAVAILABLE",
  /** The namespace runner script is missing: `@keyrelay/test-utils` has not been built. */
  OPENCODE_RUNNER_NOT_BUILT: "ERR_OPENCODE_RUNNER_NOT_BUILT",
  /** `opencode run` exited with a non-zero code or was killed by a signal. */
  OPENCODE_RUN_FAILED: "ERR_OPENCODE_RUN_FAILED",
  /** `opencode run` did not finish within `timeoutMs` (or was aborted) and its process group was killed. */
  OPENCODE_RUN_TIMED_OUT: "ERR_OPENCODE_RUN_TIMED_OUT",
} as const

/** One of TEST_UTILS_ERROR_CODES. */
export type TestUtilsErrorCode = (typeof TEST_UTILS_ERROR_CODES)[keyof typeof TEST_UTILS_ERROR_CODES]

/**
 * The one error class of `@keyrelay/test-utils`. Messages say what happened, to what, and what to do
 * next, and never contain a secret; `cause` carries the underlying error.
 */
export class TestUtilsError extends Error {
  readonly code: TestUtilsErrorCode
  /** The OpenCode run's result when the error is `OPENCODE_RUN_FAILED` (after OpenCode ran) or `OPENCODE_RUN_TIMED_OUT`. */
  readonly result: OpencodeRunResult | undefined
  readonly [MARKER] = true

  constructor(
    code: TestUtilsErrorCode,
    message: string,
    options?: { cause?: unknown; result?: OpencodeRunResult },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = "TestUtilsError"
    this.code = code
    this.result = options?.result
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
