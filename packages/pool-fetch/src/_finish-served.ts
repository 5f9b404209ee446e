import type { Account, UsageRecord } from "@keyrelay/account-store"
import { classifyStreamFailure } from "@keyrelay/rotation-strategies"
import { classifyContext } from "./_classify-context.ts"
import type { PoolRuntime } from "./_pool-runtime.ts"
import type { ServedEnd } from "./_serve-success.ts"

/** When a served body ends: its outcome (a broken stream is charged) and its usage and cost. */
export function finishServed(
  runtime: PoolRuntime,
  account: Account,
  modelClass: string,
  requestedModel: string | undefined,
  end: ServedEnd,
  aborted: boolean,
): void {
  const summary = end.summary
  if (summary === undefined) return
  const cancelled = aborted || end.cancelled
  // A message read to its end without an error is a success, already recorded with the headers: nothing to classify.
  const complete = summary.sawMessageStop && !summary.error && !cancelled
  const classification = complete
    ? undefined
    : classifyStreamFailure({ summary, aborted: cancelled, ...classifyContext(runtime, account, modelClass) })
  if (classification !== undefined && classification.class !== "ok") {
    runtime.record(account, classification, modelClass, false)
    if (classification.class === "stream") {
      runtime.emit({
        type: "stream-failed",
        at: runtime.now(),
        level: "warning",
        accountId: account.id,
        label: account.label,
        reason: classification.reason,
        message: `keyrelay: a response from "${account.label}" broke off: ${classification.reason}`,
      })
    }
  }
  const model = summary.model ?? requestedModel
  if (model === undefined) return
  const usage = summary.usage
  const cost = runtime.pricing.costOf(model, usage)
  const record: UsageRecord = {
    accountId: account.id,
    model,
    at: runtime.now(),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheWrite5mTokens: Math.max(
      usage.cacheCreation5mTokens,
      usage.cacheCreationTokens - usage.cacheCreation1hTokens,
    ),
    cacheWrite1hTokens: usage.cacheCreation1hTokens,
    cacheReadTokens: usage.cacheReadTokens,
    webSearchRequests: usage.webSearchRequests,
    costMicroUsd: cost ?? null,
  }
  if (runtime.directory !== undefined) record.project = runtime.directory
  runtime.store.recordUsage(record)
  runtime.spend(account, cost, model)
}
