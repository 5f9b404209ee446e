import type { MockErrorName } from "./mock-config.ts"

/** The API's error envelope (reference §2): `{ type: "error", error: { type, message, details? }, request_id }`. */
export interface ApiErrorBody {
  type: "error"
  error: { type: string; message: string; details?: Record<string, unknown> | null }
  request_id: string
}

/** Status, `error.type` and message of one named error. */
export interface NamedError {
  status: number
  type: string
  message: string
  details?: Record<string, unknown>
}

/** 00:00 UTC on the first day of the month after `now`, as `YYYY-MM-DD`. */
export function firstOfNextMonth(now: number): string {
  const d = new Date(now)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10)
}

/** The message of the credit-too-low 400, verbatim as the API sends it (reference §2). */
export const CREDIT_TOO_LOW_MESSAGE =
  "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."

/**
 * The status, type and exact message the API sends for each named error. Wording comes from reference
 * §2–3 where it is known (credit, spend limit, spend cap, rate limit); the rest is the API's style.
 *
 * @see reference/anthropic-api.md §2 ("HTTP status to error.type", "Wording when credit runs out")
 */
export function namedError(name: MockErrorName, now: number, organizationId?: string): NamedError {
  const resume = firstOfNextMonth(now)
  switch (name) {
    case "invalid-request":
      return { status: 400, type: "invalid_request_error", message: "Invalid request." }
    case "authentication":
      return { status: 401, type: "authentication_error", message: "invalid x-api-key" }
    case "permission":
      return {
        status: 403,
        type: "permission_error",
        message: "Your API key does not have permission to use the specified resource.",
      }
    case "credit-exhausted":
      return { status: 400, type: "invalid_request_error", message: CREDIT_TOO_LOW_MESSAGE }
    case "spend-limit":
      return {
        status: 400,
        type: "invalid_request_error",
        message: `You have reached your specified API usage limits. You will regain access on ${resume} at 00:00 UTC.`,
      }
    case "workspace-spend-limit":
      return {
        status: 400,
        type: "invalid_request_error",
        message: `You have reached your specified workspace API usage limits. You will regain access on ${resume} at 00:00 UTC.`,
      }
    case "billing":
      return {
        status: 402,
        type: "billing_error",
        message: "There is an issue with your billing details. Please update them in Plans & Billing.",
      }
    case "not-found":
      return { status: 404, type: "not_found_error", message: "Not found" }
    case "request-too-large":
      return {
        status: 413,
        type: "request_too_large",
        message: "Request exceeds the maximum allowed number of bytes.",
      }
    case "rate-limit":
      return {
        status: 429,
        type: "rate_limit_error",
        message:
          `This request would exceed the rate limit for your organization${organizationId ? ` (${organizationId})` : ""} ` +
          "of 1,000 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. " +
          "You can see the response headers for current usage. Please reduce the prompt length or the maximum " +
          "tokens requested, or try again later.",
      }
    case "spend-cap":
      return {
        status: 429,
        type: "rate_limit_error",
        message:
          "You have reached your API usage limits: your organization has crossed its monthly API usage threshold " +
          `for its usage tier. Access will resume on ${resume} at 00:00 UTC, or sooner if you move to a higher tier.`,
        details: { error_code: "enforced_spend_limit_reached" },
      }
    case "api-error":
      return { status: 500, type: "api_error", message: "Internal server error" }
    case "timeout":
      return {
        status: 504,
        type: "timeout_error",
        message: "Request timed out. Please try again, or use streaming.",
      }
    case "overloaded":
      return { status: 529, type: "overloaded_error", message: "Overloaded" }
  }
}

/** The envelope for an error of `type` with `message`. */
export function errorBody(
  type: string,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): ApiErrorBody {
  return { type: "error", error: { type, message, ...(details ? { details } : {}) }, request_id: requestId }
}
