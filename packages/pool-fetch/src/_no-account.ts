import type { Account } from "@keyrelay/account-store"
import { formatUnavailable, type NoCandidate, type Unavailable } from "@keyrelay/rotation-strategies"
import { iso, type PoolRuntime } from "./_pool-runtime.ts"
import { syntheticErrorResponse } from "./_responses.ts"

/** The SDK obeys a server delay up to 60 s; beyond that (or with nothing to wait for) retrying is pointless. */
const HOST_RETRY_HORIZON_MS = 60_000

/** Why accounts that are not candidates at all are out: disabled, or over their monthly budget. */
function outOfRotation(
  runtime: PoolRuntime,
  accounts: readonly Account[],
  disabledIds: Set<string>,
): Unavailable[] {
  const out: Unavailable[] = []
  for (const account of accounts) {
    const disabled = runtime.disabledReason(account)
    if (disabled !== undefined) {
      disabledIds.add(account.id)
      out.push({
        id: account.id,
        cause: "cooldown",
        reason: `disabled (${disabled}); enable it with keyrelay enable once fixed`,
        until: null,
      })
    } else if (runtime.budget.isOver(account)) {
      const { endsAt } = runtime.budget.month
      out.push({
        id: account.id,
        cause: "cooldown",
        reason: `reached its monthly budget of $${account.monthlyBudgetUsd}; back at ${iso(endsAt)} or when the budget is raised`,
        until: endsAt,
      })
    }
  }
  return out
}

/**
 * keyrelay's answer when no account can serve a request: Anthropic's error envelope, a message naming each account,
 * its state and when capacity returns, `retry-after` at that time, and a status that says what every account has:
 * 401 when all are refused or disabled, 403 when all lack permission, else 429.
 */
export function noAccountResponse(
  runtime: PoolRuntime,
  report: NoCandidate,
  context: { routed: readonly Account[]; model: string | undefined },
): Response {
  const now = runtime.now()
  const disabledIds = new Set<string>()
  const extra = outOfRotation(runtime, context.routed, disabledIds)
  const unavailable = [...report.unavailable, ...extra]
  let earliest = report.earliest
  for (const entry of extra) {
    if (entry.until !== null && (earliest === null || entry.until < earliest)) earliest = entry.until
  }
  const label = (id: string): string => {
    const account = runtime.account(id)
    return account === undefined ? id : `"${account.label}"`
  }
  const classes = unavailable.map((u) => (disabledIds.has(u.id) ? "disabled" : (u.class ?? "other")))
  let status = 429
  let type = "rate_limit_error"
  if (unavailable.length === 0 || classes.every((c) => c === "auth" || c === "disabled")) {
    status = 401
    type = "authentication_error"
  } else if (classes.every((c) => c === "permission")) {
    status = 403
    type = "permission_error"
  }
  const message =
    unavailable.length === 0
      ? `keyrelay: no account in the pool can serve this request${context.model ? ` (model ${context.model})` : ""}${runtime.directory ? ` from ${runtime.directory}` : ""}; add one with keyrelay add, or check the routing rules with keyrelay rules explain.`
      : `keyrelay: ${formatUnavailable({ unavailable, earliest }, { now, label, limit: 10 })}`
  const shouldRetry = status === 429 && earliest !== null && earliest - now <= HOST_RETRY_HORIZON_MS
  runtime.emit({
    type: "no-account",
    at: now,
    level: "error",
    status,
    until: earliest,
    message,
  })
  return syntheticErrorResponse({
    status,
    type,
    message,
    retryAt: status === 429 ? earliest : null,
    shouldRetry,
    now,
  })
}
