import type { StoredAccount } from "./_accounts-file.ts"
import type { UsageCounters, UsageFile } from "./_usage-file.ts"

/** Which usage to report; every field narrows, days are inclusive `YYYY-MM-DD` in UTC. */
export interface UsageQuery {
  from?: string
  to?: string
  accountId?: string
  model?: string
  project?: string
}

/** One row of usage: a day × account × model × project and its counters. */
export interface UsageRow extends UsageCounters {
  day: string
  accountId: string
  model: string
  project: string
}

/** Month-to-date spend of one account against its monthly budget. */
export interface BudgetStatus {
  accountId: string
  label: string
  /** The UTC month, `YYYY-MM`. */
  month: string
  spentMicroUsd: number
  /** Requests whose cost was unknown, so the spend may be understated. */
  unpricedRequests: number
  budgetUsd?: number
  /** `spent / budget` (may exceed 1); absent without a budget. */
  fractionUsed?: number
  overBudget: boolean
}

export function usageRows(days: UsageFile["days"], query: UsageQuery = {}): UsageRow[] {
  const rows: UsageRow[] = []
  for (const day of Object.keys(days).sort()) {
    if ((query.from && day < query.from) || (query.to && day > query.to)) continue
    for (const [accountId, byModel] of Object.entries(days[day]!)) {
      if (query.accountId && accountId !== query.accountId) continue
      for (const [model, byProject] of Object.entries(byModel)) {
        if (query.model && model !== query.model) continue
        for (const [project, counters] of Object.entries(byProject)) {
          if (query.project && project !== query.project) continue
          rows.push({ day, accountId, model, project, ...counters })
        }
      }
    }
  }
  return rows
}

/** Month-to-date spend per account; `days` holds the month's days (others are ignored), as `usageDays` builds them. */
export function budgetStatus(
  days: UsageFile["days"],
  accounts: readonly StoredAccount[],
  now: number,
): BudgetStatus[] {
  const month = new Date(now).toISOString().slice(0, 7)
  const spent = new Map<string, { costMicroUsd: number; unpricedRequests: number }>()
  // for…in rather than Object.entries/values: every level is a dictionary() (no prototype, so nothing inherited is
  // enumerated), and on such objects entries/values build a fresh array per call — for a month of usage, three
  // times the time and half a megabyte of garbage in `keyrelay list`, which sums this on every start.
  for (const day in days) {
    if (!day.startsWith(month)) continue
    const byAccount = days[day]!
    for (const accountId in byAccount) {
      let total = spent.get(accountId)
      if (total === undefined) {
        total = { costMicroUsd: 0, unpricedRequests: 0 }
        spent.set(accountId, total)
      }
      const byModel = byAccount[accountId]!
      for (const model in byModel) {
        const byProject = byModel[model]!
        for (const project in byProject) {
          const counters = byProject[project]!
          total.costMicroUsd += counters.costMicroUsd
          total.unpricedRequests += counters.unpricedRequests
        }
      }
    }
  }
  return accounts.map((account) => {
    const total = spent.get(account.id) ?? { costMicroUsd: 0, unpricedRequests: 0 }
    const status: BudgetStatus = {
      accountId: account.id,
      label: account.label,
      month,
      spentMicroUsd: total.costMicroUsd,
      unpricedRequests: total.unpricedRequests,
      overBudget: false,
    }
    if (account.monthlyBudgetUsd !== undefined) {
      status.budgetUsd = account.monthlyBudgetUsd
      const budgetMicro = account.monthlyBudgetUsd * 1_000_000
      status.fractionUsed =
        budgetMicro === 0 ? (total.costMicroUsd > 0 ? Infinity : 0) : total.costMicroUsd / budgetMicro
      status.overBudget = total.costMicroUsd >= budgetMicro && (budgetMicro > 0 || total.costMicroUsd > 0)
    }
    return status
  })
}
