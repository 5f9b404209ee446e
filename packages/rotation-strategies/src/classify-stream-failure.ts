import type { Classification, ClassifyContext, Draft } from "./classification.ts"
import { classifyResponse } from "./classify-response.ts"
import type { FailureClass } from "./failure-class.ts"

/** What a finished stream looked like; sse-transform's `StreamSummary` fits. */
export interface StreamOutcome {
  /** Whether `message_stop` arrived. */
  readonly sawMessageStop: boolean
  /** The `event: error` payload's error, if one arrived. */
  readonly error?:
    | { readonly type?: string | undefined; readonly message?: string | undefined }
    | null
    | undefined
}

/** Input of {@link classifyStreamFailure}. */
export interface ClassifyStreamInput extends ClassifyContext {
  /** How the stream ended. */
  readonly summary: StreamOutcome
  /** The caller cancelled the stream (so a missing `message_stop` is not the account's fault). */
  readonly aborted?: boolean | undefined
}

// Mid-stream errors carry the envelope of the status they would have had on a non-streaming call (reference §1).
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

/**
 * Classifies how a stream ended after its 200: `ok` with `message_stop` and no error; otherwise `stream`, which
 * cannot be replayed (`action: "return"`: the caller sees the error as the API sent it) but is recorded for the
 * next request: the embedded error is charged like the status it stands for (`underlying`), and an EOF without
 * `message_stop` costs the account health. A stream the caller cancelled is `caller`.
 *
 * @see reference/anthropic-api.md §1 "Errors mid-stream"
 * @example
 * classifyStreamFailure({ summary: { sawMessageStop: false, error: { type: "overloaded_error" } }, now: Date.now() })
 * // { class: "stream", underlying: "service", action: "return", … }
 */
export function classifyStreamFailure(input: ClassifyStreamInput): Classification {
  const summary = input.summary ?? { sawMessageStop: false }
  const error = summary.error ?? undefined
  if (error) {
    const type = typeof error.type === "string" ? error.type : undefined
    const status =
      (type !== undefined && Object.hasOwn(STATUS_OF_TYPE, type) ? STATUS_OF_TYPE[type] : 500) ?? 500
    const inner = classifyResponse({
      ...input,
      status,
      body: { type: "error", error: { type, message: error.message } },
      // A stream cannot be retried or re-authenticated in place.
      attempt: Number.POSITIVE_INFINITY,
      refreshed: true,
    })
    const result: Draft = {
      ...inner,
      class: "stream",
      action: "return",
      underlying: inner.class as FailureClass,
      reason: `The stream broke off with ${type ?? "an error"} after the response had started, so it cannot be replayed; the caller sees the error as sent. ${inner.reason}`,
    }
    // The response itself was a 200; the status stood in for the error type only.
    delete result.status
    delete result.retryDelayMs
    return result
  }
  const draft: Draft = {
    class: "ok",
    scope: "none",
    action: "return",
    health: "success",
    reason: "Streamed to the end.",
  }
  if (input.aborted) {
    draft.class = "caller"
    draft.health = "none"
    draft.reason = "The caller cancelled the stream; nothing is charged to the account."
    return draft
  }
  if (!summary.sawMessageStop) {
    draft.class = "stream"
    draft.scope = "account"
    draft.health = "failure"
    draft.underlying = "transport"
    draft.reason =
      "The stream ended without message_stop, so the reply is incomplete and cannot be replayed; the account's health drops for the next request."
  }
  return draft
}
