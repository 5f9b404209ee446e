import type { BudgetStatus } from "@keyrelay/account-store"
import { findAccount } from "../_account-ref.ts"
import { bar } from "../_bars.ts"
import type { CommandHandler } from "../_commands.ts"
import { formatBudgetUsd, formatUsd } from "../_format.ts"
import { accountJson, JSON_SCHEMA_VERSION, round } from "../_json.ts"
import { parseNonNegative } from "../_parse-values.ts"
import { renderTable } from "../_table.ts"

function budgetJson(b: BudgetStatus) {
  return {
    accountId: b.accountId,
    label: b.label,
    month: b.month,
    spentMicroUsd: b.spentMicroUsd,
    spentUsd: round(b.spentMicroUsd / 1_000_000, 6),
    budgetUsd: b.budgetUsd ?? null,
    fractionUsed:
      b.fractionUsed === undefined || !Number.isFinite(b.fractionUsed) ? null : round(b.fractionUsed, 4),
    overBudget: b.overBudget,
    unpricedRequests: b.unpricedRequests,
  }
}

const budget: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const [ref, amount] = positionals
  if (amount !== undefined) {
    const account = findAccount(store, ref!)
    const clear = amount.toLowerCase() === "none" || amount.toLowerCase() === "off"
    const usd = clear ? null : parseNonNegative(amount.replace(/^\$/, ""), "The budget")
    const updated = await store.updateAccount(account.id, { monthlyBudgetUsd: usd })
    if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, account: accountJson(updated) })
    else
      ctx.print(
        usd === null
          ? `${updated.label} has no monthly budget now.`
          : `${updated.label}: monthly budget ${formatBudgetUsd(usd)}.`,
      )
    return 0
  }
  let budgets = store.budgets()
  if (ref !== undefined) {
    const account = findAccount(store, ref)
    budgets = budgets.filter((b) => b.accountId === account.id)
  }
  const month = budgets[0]?.month ?? new Date(ctx.now()).toISOString().slice(0, 7)
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, month, budgets: budgets.map(budgetJson) })
    return 0
  }
  if (budgets.length === 0) {
    ctx.print("No accounts yet. Add one with `keyrelay add`.")
    return 0
  }
  const { style } = ctx
  ctx.print(
    `${style.bold("Spend this month")} (${month}, UTC)`,
    ...renderTable(
      [
        { header: "ACCOUNT", shrink: true, min: 6 },
        { header: "SPENT", align: "right" },
        { header: "BUDGET", align: "right" },
        { header: "USED" },
      ],
      budgets.map((b) => {
        const used =
          b.budgetUsd === undefined
            ? style.dim("no budget")
            : `${bar(Math.min(b.fractionUsed ?? 0, 1), 1, 20, ctx.unicode) || (ctx.unicode ? "▏" : "|")} ${Number.isFinite(b.fractionUsed) ? `${Math.round((b.fractionUsed ?? 0) * 100)}%` : "∞"}`
        return [
          b.label,
          formatUsd(b.spentMicroUsd) + (b.unpricedRequests ? "+" : ""),
          b.budgetUsd === undefined ? "—" : formatBudgetUsd(b.budgetUsd),
          b.overBudget ? style.red(`${used} over`) : used,
        ]
      }),
      { width: ctx.width, header: style.dim },
    ),
  )
  if (budgets.some((b) => b.unpricedRequests > 0)) {
    ctx.print(style.dim("+ some requests had no known price, so the spend shown is lower than the real one."))
  }
  if (ref === undefined)
    ctx.print(
      "",
      style.dim("Set one: `keyrelay budget <account> <USD>`; clear: `keyrelay budget <account> none`."),
    )
  return 0
}

export default budget
