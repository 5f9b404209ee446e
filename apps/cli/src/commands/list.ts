import type { AccountStatus } from "@keyrelay/pool-fetch"
import type { CommandHandler } from "../_commands.ts"
import { formatAgo, formatBudgetUsd, formatIn, formatUsd, plural } from "../_format.ts"
import { accountViewJson, JSON_SCHEMA_VERSION } from "../_json.ts"
import { renderTable } from "../_table.ts"

const list: CommandHandler = async (ctx) => {
  const store = await ctx.store()
  const now = ctx.now()
  const { accountStatuses } = await import("@keyrelay/pool-fetch/account-status")
  const views = accountStatuses({ store, now: () => now })
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, accounts: views.map((v) => accountViewJson(v, now)) })
    return 0
  }
  if (views.length === 0) {
    ctx.print("No accounts yet. Add one with `keyrelay add`.")
    return 0
  }
  const { style } = ctx
  const rows = views.map((view) => [
    view.account.label,
    view.account.credential.kind,
    orgCell(view),
    statusCell(view, style),
    view.healthUsable ? String(Math.round(view.health)) : style.red(String(Math.round(view.health))),
    cooldownCell(view, now),
    limitCell(view),
    spendCell(view, style),
    formatAgo(view.lastUsedAt, now),
  ])
  ctx.print(
    ...renderTable(
      [
        { header: "ACCOUNT", shrink: true, min: 6 },
        { header: "KIND" },
        { header: "ORGANIZATION / WORKSPACE", shrink: true, min: 8 },
        { header: "STATUS" },
        { header: "HEALTH", align: "right" },
        { header: "COOLDOWN", shrink: true, min: 8 },
        { header: "RATE LIMIT", shrink: true, min: 6 },
        { header: "SPEND (MONTH)" },
        { header: "LAST USED" },
      ],
      rows,
      { width: ctx.width, header: style.dim },
    ),
  )
  const notes = views.flatMap((view) => whyLines(view, now))
  if (notes.length > 0) ctx.print("", ...notes)
  const untested = views.filter(
    (v) => v.organizationId === undefined && !v.lastOutcome && v.account.enabled,
  ).length
  if (untested > 0) {
    ctx.print(
      "",
      style.dim(
        `${plural(untested, "account")} not tested yet: \`keyrelay test\` learns organization and workspace.`,
      ),
    )
  }
  return 0
}

function orgCell(view: AccountStatus): string {
  if (!view.organizationId) return "—"
  return view.workspaceId ? `${view.organizationId} / ${view.workspaceId}` : view.organizationId
}

function statusCell(
  view: AccountStatus,
  style: { green(t: string): string; yellow(t: string): string; red(t: string): string },
): string {
  const text =
    view.status === "ready"
      ? style.green("ready")
      : view.status === "disabled"
        ? style.red("disabled")
        : style.yellow(view.status)
  return view.account.pinned ? `${text} (pinned)` : text
}

function cooldownCell(view: AccountStatus, now: number): string {
  const first = view.cooldowns[0]
  if (!first) return "—"
  const more = view.cooldowns.length > 1 ? ` +${view.cooldowns.length - 1}` : ""
  return `${first.class} ${formatIn(first.until, now)}${first.modelClass ? ` (${first.modelClass})` : ""}${more}`
}

function limitCell(view: AccountStatus): string {
  if (view.limits.length === 0) return "—"
  const tightest = view.limits.reduce((a, b) => (b.headroom < a.headroom ? b : a))
  return `${Math.round(tightest.headroom * 100)}% left${tightest.modelClass ? ` (${tightest.modelClass})` : ""}`
}

function spendCell(
  view: AccountStatus,
  style: { red(t: string): string; yellow(t: string): string },
): string {
  const budget = view.budget
  const spent = formatUsd(budget?.spentMicroUsd ?? 0)
  if (budget?.budgetUsd === undefined) return spent
  const text = `${spent} / ${formatBudgetUsd(budget.budgetUsd)}`
  if (budget.overBudget) return style.red(text)
  return (budget.fractionUsed ?? 0) >= 0.8 ? style.yellow(text) : text
}

function whyLines(view: AccountStatus, now: number): string[] {
  const label = view.account.label
  const lines: string[] = []
  if (!view.account.enabled) {
    lines.push(
      `${label}: disabled${view.account.disabledReason ? ` — ${view.account.disabledReason}` : ""}. \`keyrelay enable ${label}\` turns it back on.`,
    )
  }
  for (const cooldown of view.cooldowns) {
    const what = cooldown.modelClass
      ? `${cooldown.modelClass} cooling down`
      : `cooling down (${cooldown.scope})`
    lines.push(
      `${label}: ${what} until ${new Date(cooldown.until).toISOString()} (${formatIn(cooldown.until, now)}) — ${cooldown.reason}`,
    )
  }
  const last = view.lastOutcome
  if (last && last.class !== "ok" && view.account.enabled) {
    lines.push(
      `${label}: last answer ${last.status ?? ""} ${last.class} ${formatAgo(last.at, now)}${last.reason ? ` — ${last.reason}` : ""}`.replace(
        / {2,}/g,
        " ",
      ),
    )
  }
  if (view.budget?.overBudget)
    lines.push(`${label}: over its monthly budget. \`keyrelay budget ${label} <USD>\` raises it.`)
  return lines
}

export default list
