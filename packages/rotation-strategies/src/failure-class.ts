/**
 * What kind of outcome a response (or a transport error, or a stream) was, one row of DESIGN.md's
 * "What each failure gets" table.
 */
export type FailureClass =
  | "ok"
  | "auth"
  | "permission"
  | "credit"
  | "spend-limit"
  | "billing"
  | "spend-cap"
  | "rate-limit"
  | "service"
  | "caller"
  | "transport"
  | "stream"

/** Every {@link FailureClass}, in table order. */
export const FAILURE_CLASSES: readonly FailureClass[] = Object.freeze([
  "ok",
  "auth",
  "permission",
  "credit",
  "spend-limit",
  "billing",
  "spend-cap",
  "rate-limit",
  "service",
  "caller",
  "transport",
  "stream",
])

/**
 * What the pool should do next, as a hint it is free to refine:
 * - `return`: hand the response to the caller as it is (success, caller error, a stream already flowing);
 * - `retry`: the same request again after `retryDelayMs` (service trouble; any account will do);
 * - `next-account`: another account (this one is at fault);
 * - `next-group`: an account of another limit group (this group or organization is out);
 * - `refresh-credential`: re-mint the token of this account once and retry with it;
 * - `disable-account`: the credential is unusable until the user fixes it; disable it and try the next.
 */
export type ClassificationAction =
  | "return"
  | "retry"
  | "next-account"
  | "next-group"
  | "refresh-credential"
  | "disable-account"

/** How an outcome moves the account's health score ({@link updateHealth}). */
export type HealthEvent = "success" | "rate-limit" | "failure" | "service" | "none"
