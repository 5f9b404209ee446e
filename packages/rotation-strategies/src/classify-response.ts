import { chargeTransport } from "./_charge-transport.ts"
import { bodySays, type ErrorBody, readErrorBody } from "./_error-body.ts"
import { formatDuration, formatInstant } from "./_format.ts"
import { type HeadersInput, headerReader } from "./_headers.ts"
import { type Classification, type ClassifyContext, charge, type Draft } from "./classification.ts"
import { backoffDelay, DEFAULT_COOLDOWN_POLICY, nextMonthStartUtc } from "./cooldown.ts"
import { parseRateLimitHeaders, rateLimitResetAt } from "./parse-rate-limit-headers.ts"
import { parseRetryAfter } from "./parse-retry-after.ts"
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay, shouldRetryResponse } from "./retry-policy.ts"

/** Input of {@link classifyResponse}. */
export interface ClassifyResponseInput extends ClassifyContext {
  /** The HTTP status. */
  readonly status: number
  /** The response headers (`Headers`, or a plain record in any case). */
  readonly headers?: HeadersInput | undefined
  /**
   * The body, for error statuses: text (possibly truncated, possibly not JSON), parsed JSON or bytes. Only the
   * first 64 KiB are read.
   */
  readonly body?: unknown
  /**
   * How the account authenticates: `static` (a key: `api-key`, `env`) or `refreshable` (a credential that can be
   * minted again: `command`, `profile`, `federation`). Decides what a 401 asks for. Defaults to `static`.
   */
  readonly credential?: "static" | "refreshable" | undefined
  /** The credential was already re-minted once for this request (so a second 401 is final). */
  readonly refreshed?: boolean | undefined
  /** Retries of this request already made for service errors (0 on the first response). */
  readonly attempt?: number | undefined
  /** Retry policy for service errors; defaults to {@link DEFAULT_RETRY_POLICY}. */
  readonly retryPolicy?: RetryPolicy | undefined
}

const SUBSCRIPTION =
  /third-party apps now draw from your extra usage|only authorized for use with claude code/i
const CREDIT = /credit balance is too low/i
const SPEND_LIMIT = /reached your specified (workspace )?api usage limits/i
const SPEND_LIMIT_WORKSPACE = /reached your specified workspace api usage limits/i
const SPEND_CAP_TEXT = /crossed its monthly api usage threshold|enforced_spend_limit_reached/i
const SPEND_CAP_CODE = "enforced_spend_limit_reached"
const ID = /^[\w.-]{1,200}$/

/**
 * Classifies an Anthropic API response into a row of DESIGN.md's failure table: the class, who is at fault
 * (account, account × model class, limit group, organization, workspace, or nobody), a reason for people, what
 * to do next, and the cooldown to store, escalated from the one in force and never shorter than it. Never
 * throws; bodies may be missing, truncated or not JSON, and unknown statuses fall back to `caller` (4xx) or
 * `service` (5xx).
 *
 * @see reference/anthropic-api.md §2 "Errors", §3 "Rate limits and spend limits"
 * @see https://platform.claude.com/docs/en/api/errors
 * @example
 * const verdict = classifyResponse({
 *   status: 429,
 *   headers: { "retry-after": "20", "anthropic-organization-id": "org-a" },
 *   body: '{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}',
 *   now: Date.now(),
 *   account: { id: "acc_1" },
 *   modelClass: "sonnet-4.x",
 * })
 * verdict.class // "rate-limit"
 * verdict.key // "org:org-a|sonnet-4.x"
 * verdict.cooldown.until // now + 20 s
 */
export function classifyResponse(input: ClassifyResponseInput): Classification {
  try {
    return classify(input)
  } catch {
    // Reached only when an injected function (random) or an exotic headers object throws.
    const status = Number(input?.status)
    return {
      class: status >= 500 ? "service" : "caller",
      scope: "none",
      action: "return",
      health: "none",
      reason: `HTTP ${Number.isFinite(status) ? status : "?"}: the response could not be classified; returned to the caller unchanged.`,
      ...(Number.isFinite(status) ? { status } : {}),
    }
  }
}

function classify(input: ClassifyResponseInput): Classification {
  const status = Number(input.status)
  const read = headerReader(input.headers)
  const now = input.now
  const draft: Draft = {
    class: "ok",
    scope: "none",
    action: "return",
    health: "none",
    reason: "",
  }
  if (Number.isInteger(status)) draft.status = status
  const org = read("anthropic-organization-id")?.trim()
  if (org && ID.test(org)) draft.organizationId = org
  const workspace = read("anthropic-workspace-id")?.trim()
  if (workspace && ID.test(workspace)) draft.workspaceId = workspace
  const requestId = read("request-id")?.trim()
  if (requestId && ID.test(requestId)) draft.requestId = requestId
  const rateLimits = parseRateLimitHeaders(input.headers, now)
  if (rateLimits) draft.rateLimits = rateLimits

  if (!Number.isInteger(status) || status < 100 || status > 999) {
    return chargeTransport(draft, input, `The response had no valid HTTP status (${String(input.status)})`)
  }
  if (status < 300) {
    draft.class = "ok"
    draft.health = "success"
    draft.reason = `HTTP ${status}: served.`
    return draft
  }
  if (status < 400) {
    return chargeTransport(
      draft,
      input,
      `HTTP ${status}: an unexpected redirect (redirects are not followed with credentials)`,
    )
  }

  const body = readErrorBody(input.body)
  const error = errorOf(body)
  if (error) draft.error = error
  if (!draft.requestId && body.requestId && ID.test(body.requestId)) draft.requestId = body.requestId
  const label = `${status}${body.type ? ` ${body.type}` : ""}`

  if (status < 500) {
    if (bodySays(body, SUBSCRIPTION)) return subscription(draft, input, label)
    if (body.code === SPEND_CAP_CODE || bodySays(body, SPEND_CAP_TEXT)) return spendCap(draft, input, label)
    if (bodySays(body, SPEND_LIMIT))
      return spendLimit(draft, input, label, bodySays(body, SPEND_LIMIT_WORKSPACE))
    if (bodySays(body, CREDIT)) return credit(draft, input, label)
    switch (status) {
      case 401:
        return auth(draft, input, label)
      case 403:
        return permission(draft, input, label)
      case 402:
        return billing(draft, input, label)
      case 429:
        return rateLimit(draft, input, label)
      case 408:
        return service(draft, input, label)
      default:
        draft.class = "caller"
        draft.reason = `${label}: the API refused the request itself; returned to the caller unchanged, no other account is tried.`
        return draft
    }
  }
  return service(draft, input, label)
}

function errorOf(body: ErrorBody): Classification["error"] {
  if (body.type === undefined && body.message === undefined && body.code === undefined) return undefined
  return {
    ...(body.type === undefined ? {} : { type: body.type }),
    ...(body.message === undefined ? {} : { message: body.message }),
    ...(body.code === undefined ? {} : { code: body.code }),
  }
}

function random(input: ClassifyContext): () => number {
  return input.random ?? Math.random
}

function ladder(input: ClassifyContext, steps: readonly number[]): (level: number) => number {
  const policy = input.policy ?? DEFAULT_COOLDOWN_POLICY
  return (level) => input.now + backoffDelay(steps, level, random(input), policy.jitter)
}

function policyOf(input: ClassifyContext) {
  return input.policy ?? DEFAULT_COOLDOWN_POLICY
}

function subscription(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "auth"
  draft.action = "disable-account"
  draft.health = "failure"
  return charge(
    draft,
    input,
    "account",
    ladder(input, policyOf(input).auth),
    () =>
      `${label}: this credential is a Claude subscription (Free/Pro/Max) token, which Anthropic allows only in its own apps; subscription tokens are not supported by keyrelay. Replace it with a Console API key or another supported credential kind.`,
  )
}

function auth(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "auth"
  draft.scope = "account"
  if (input.credential === "refreshable" && !input.refreshed) {
    draft.action = "refresh-credential"
    draft.reason = `${label}: Anthropic rejected this account's token; mint a fresh one and retry once.`
    return draft
  }
  draft.health = "failure"
  if (input.credential === "refreshable") {
    draft.action = "next-account"
    return charge(
      draft,
      input,
      "account",
      ladder(input, policyOf(input).auth),
      (until) =>
        `${label}: Anthropic rejected this account's token even after minting a fresh one; check its credential source. Skipped until ${formatInstant(until)}.`,
    )
  }
  draft.action = "disable-account"
  return charge(
    draft,
    input,
    "account",
    ladder(input, policyOf(input).auth),
    () =>
      `${label}: Anthropic rejected this account's API key (malformed, revoked or expired). Replace the key.`,
  )
}

function permission(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "permission"
  draft.action = "next-account"
  draft.health = "failure"
  const what = input.modelClass ? `model class ${input.modelClass}` : "this model"
  return charge(
    draft,
    input,
    "account-model",
    ladder(input, policyOf(input).permission),
    (until) =>
      `${label}: this account may not use ${what}; it is skipped for ${what} until ${formatInstant(until)}.`,
  )
}

function credit(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "credit"
  draft.action = "next-group"
  return charge(
    draft,
    input,
    "organization",
    ladder(input, policyOf(input).credit),
    (until) =>
      `${label}: the organization's credit balance is too low. Buy credits in the Console (Plans & Billing); keyrelay checks again after ${formatInstant(until)}.`,
  )
}

function billing(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "billing"
  draft.action = "next-group"
  return charge(
    draft,
    input,
    "organization",
    ladder(input, policyOf(input).credit),
    (until) =>
      `${label}: the organization's billing or payment details need attention in the Console; keyrelay checks again after ${formatInstant(until)}.`,
  )
}

function spendLimit(
  draft: Draft,
  input: ClassifyResponseInput,
  label: string,
  workspace: boolean,
): Classification {
  draft.class = "spend-limit"
  draft.action = "next-group"
  const monthTurns = nextMonthStartUtc(input.now)
  const probe = ladder(input, policyOf(input).spendLimit)
  const who = workspace ? "workspace" : "organization"
  return charge(
    draft,
    input,
    workspace ? "workspace" : "organization",
    (level) => Math.min(probe(level), monthTurns),
    (until) =>
      `${label}: the ${who} reached the API spend limit you set. Raise it in the Console or wait for the month to turn (${formatInstant(monthTurns)}); keyrelay checks again after ${formatInstant(until)}.`,
  )
}

function spendCap(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "spend-cap"
  draft.action = "next-group"
  const monthTurns = nextMonthStartUtc(input.now)
  return charge(
    draft,
    input,
    "organization",
    () => monthTurns,
    () =>
      `${label}: the organization reached its tier's monthly spend cap; its usage resumes at ${formatInstant(monthTurns)} (00:00 UTC on the 1st), or sooner if the tier is raised.`,
  )
}

function rateLimit(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "rate-limit"
  draft.action = "next-group"
  draft.health = "rate-limit"
  const policy = policyOf(input)
  const now = input.now
  const asked = parseRetryAfter(input.headers, now)
  const fast = input.modelClass?.startsWith("fast:") ?? false
  const resetAt = asked === undefined ? rateLimitResetAt(draft.rateLimits, now, fast) : undefined
  const cap = now + policy.maxHeaderCooldownMs
  let source: string
  let untilFor: (level: number) => number
  if (asked !== undefined) {
    source = `retry-after ${formatDuration(asked)}`
    untilFor = () => Math.min(now + asked, cap)
  } else if (resetAt !== undefined) {
    source = "the rate-limit reset headers"
    untilFor = () => Math.min(resetAt, cap)
  } else {
    source = "no retry-after or reset header, so an escalating backoff"
    untilFor = ladder(input, policy.rateLimit)
  }
  const group = input.modelClass ? `${input.modelClass} limit` : "rate limit"
  return charge(
    draft,
    input,
    "group",
    untilFor,
    (until) =>
      `${label}: the organization's ${group} is reached; its accounts wait until ${formatInstant(until)} (by ${source}).`,
  )
}

function service(draft: Draft, input: ClassifyResponseInput, label: string): Classification {
  draft.class = "service"
  draft.health = "service"
  const policy = input.retryPolicy ?? DEFAULT_RETRY_POLICY
  const attempt = Math.max(0, Math.floor(Number(input.attempt) || 0))
  const status = draft.status ?? 500
  if (attempt < policy.maxRetries && shouldRetryResponse(status, input.headers)) {
    const delay = retryDelay({
      attempt,
      headers: input.headers,
      now: input.now,
      random: random(input),
      policy,
    })
    draft.action = "retry"
    draft.retryDelayMs = delay
    draft.reason = `${label}: Anthropic had trouble serving the request (not this account's fault); retry ${attempt + 1} of ${policy.maxRetries} in ${formatDuration(delay)}.`
  } else {
    draft.reason = `${label}: Anthropic had trouble serving the request (not this account's fault); no retry left, returned to the caller.`
  }
  return draft
}
