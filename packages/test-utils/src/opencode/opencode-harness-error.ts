import type { OpencodeRunResult } from "./run-opencode.ts"

const MARKER = Symbol.for("keyrelay.error.OpencodeHarnessError")

/** Stable codes of every OpencodeHarnessError; match on these, never on messages. */
export const OPENCODE_HARNESS_ERROR_CODES = {
  /** An option passed to the harness is missing or malformed. */
  INVALID_OPTIONS: "ERR_OPENCODE_INVALID_OPTIONS",
  /** No installed platform package of `opencode-ai` holds a usable binary of the pinned version. */
  BINARY_NOT_FOUND: "ERR_OPENCODE_BINARY_NOT_FOUND",
  /** `isolation: "namespace"` was asked for but no loopback-only network namespace could be made. */
  NAMESPACE_UNAVAILABLE: "ERR_OPENCODE_NAMESPACE_UNAVAILABLE",
  /** The namespace runner script is missing: `@keyrelay/test-utils` has not been built. */
  RUNNER_NOT_BUILT: "ERR_OPENCODE_RUNNER_NOT_BUILT",
  /** `opencode run` exited with a non-zero code or was killed by a signal. */
  RUN_FAILED: "ERR_OPENCODE_RUN_FAILED",
  /** `opencode run` did not finish within `timeoutMs` (or was aborted) and its process group was killed. */
  RUN_TIMED_OUT: "ERR_OPENCODE_RUN_TIMED_OUT",
} as const

/** One of OPENCODE_HARNESS_ERROR_CODES. */
export type OpencodeHarnessErrorCode =
  (typeof OPENCODE_HARNESS_ERROR_CODES)[keyof typeof OPENCODE_HARNESS_ERROR_CODES]

/**
 * The error class of the real-OpenCode harness in `@keyrelay/test-utils`. Messages say what happened, to
 * what, and what to do next, and never contain a secret; `cause` carries the underlying error, and a failed
 * run carries its full result in `result`.
 */
export class OpencodeHarnessError extends Error {
  readonly code: OpencodeHarnessErrorCode
  /** The run's result when the error is `RUN_FAILED` (after OpenCode ran) or `RUN_TIMED_OUT`. */
  readonly result: OpencodeRunResult | undefined
  readonly [MARKER] = true

  constructor(
    code: OpencodeHarnessErrorCode,
    message: string,
    options?: { cause?: unknown; result?: OpencodeRunResult },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = "OpencodeHarnessError"
    this.code = code
    this.result = options?.result
  }

  /** Recognises an OpencodeHarnessError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is OpencodeHarnessError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an OpencodeHarnessError (from any installed copy of this package). */
export function isOpencodeHarnessError(value: unknown): value is OpencodeHarnessError {
  return OpencodeHarnessError.isInstance(value)
}
