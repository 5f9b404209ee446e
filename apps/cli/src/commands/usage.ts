import { USAGE_COUNTER_FIELDS, type UsageCounters, type UsageRow } from "@keyrelay/account-store"
import { findAccount } from "../_account-ref.ts"
import { bar } from "../_bars.ts"
import type { CommandHandler } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { formatCount, formatUsd } from "../_format.ts"
import { JSON_SCHEMA_VERSION, round } from "../_json.ts"
import { parseDay, utcDay } from "../_since.ts"
import { displayWidth, truncate } from "../_style.ts"
import { usageError } from "../cli-error.ts"

const DIMENSIONS = ["account", "model", "project", "day"] as const
type Dimension = (typeof DIMENSIONS)[number]
const METRICS = ["cost", "tokens", "requests"] as const
type Metric = (typeof METRICS)[number]

const COUNTERS = USAGE_COUNTER_FIELDS

function emptyCounters(): UsageCounters {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as unknown as UsageCounters
}

function addInto(total: UsageCounters, row: UsageCounters): void {
  for (const counter of COUNTERS) total[counter] += row[counter]
}

function tokensOf(c: UsageCounters): number {
  return c.inputTokens + c.outputTokens + c.cacheWrite5mTokens + c.cacheWrite1hTokens + c.cacheReadTokens
}

function metricOf(c: UsageCounters, metric: Metric): number {
  return metric === "cost" ? c.costMicroUsd : metric === "tokens" ? tokensOf(c) : c.requests
}

interface Group {
  key: Partial<Record<Dimension, string>>
  accountId?: string
  counters: UsageCounters
}

function groupRows(
  rows: readonly UsageRow[],
  by: readonly Dimension[],
  labelOf: (id: string) => string,
): Group[] {
  const groups = new Map<string, Group>()
  for (const row of rows) {
    const key: Group["key"] = {}
    for (const dimension of by) {
      key[dimension] =
        dimension === "account" ? labelOf(row.accountId) : dimension === "day" ? row.day : row[dimension]
    }
    const id = JSON.stringify(by.map((d) => (d === "account" ? row.accountId : key[d])))
    let group = groups.get(id)
    if (!group) {
      group = {
        key,
        counters: emptyCounters(),
        ...(by.includes("account") ? { accountId: row.accountId } : {}),
      }
      groups.set(id, group)
    }
    addInto(group.counters, row)
  }
  return [...groups.values()]
}

function parseBy(values: (string | undefined)[] | undefined): Dimension[] | undefined {
  if (!values || values.length === 0) return undefined
  const dims = values
    .flatMap((v) => (v ?? "").split(","))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
  for (const d of dims) {
    if (!DIMENSIONS.includes(d as Dimension))
      throw usageError(`--by: "${d}" is not one of ${DIMENSIONS.join(", ")}.`)
  }
  return [...new Set(dims)] as Dimension[]
}

function shortProject(project: string, env: Record<string, string | undefined>): string {
  const home = env.HOME
  return home && (project === home || project.startsWith(`${home}/`))
    ? `~${project.slice(home.length)}`
    : project
}

const usage: CommandHandler = async (ctx, { values }) => {
  const store = await ctx.store()
  const now = ctx.now()
  const from = parseDay(typeof values.since === "string" ? values.since : "30d", now, "--since")
  const to = typeof values.until === "string" ? parseDay(values.until, now, "--until") : utcDay(now)
  if (from > to) throw usageError(`--since (${from}) is after --until (${to}).`)
  const metricText = typeof values.metric === "string" ? values.metric.toLowerCase() : undefined
  if (metricText !== undefined && !METRICS.includes(metricText as Metric)) {
    throw usageError(`--metric must be one of ${METRICS.join(", ")}.`)
  }
  const by = parseBy(values.by as string[] | undefined)
  const accountId = typeof values.account === "string" ? findAccount(store, values.account).id : undefined
  const rows = store.usage({
    from,
    to,
    ...(accountId ? { accountId } : {}),
    ...(typeof values.model === "string" ? { model: values.model } : {}),
    ...(typeof values.project === "string" ? { project: values.project } : {}),
  })
  const labels = new Map(store.listAccounts().map((a) => [a.id, a.label]))
  const labelOf = (id: string) => labels.get(id) ?? `${id} (removed)`
  const totals = emptyCounters()
  for (const row of rows) addInto(totals, row)

  if (ctx.flags.json) {
    const jsonBy = by ?? ["day", "account", "model", "project"]
    const groups = groupRows(rows, jsonBy, labelOf).map((g) => ({
      ...g.key,
      ...(g.accountId ? { accountId: g.accountId } : {}),
      ...g.counters,
      costUsd: round(g.counters.costMicroUsd / 1_000_000, 6),
    }))
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      from,
      to,
      by: jsonBy,
      totals: { ...totals, costUsd: round(totals.costMicroUsd / 1_000_000, 6) },
      groups,
    })
    return 0
  }

  if (rows.length === 0) {
    ctx.print(`No usage recorded from ${from} to ${to}.`)
    return 0
  }
  const metric: Metric = (metricText as Metric | undefined) ?? (totals.costMicroUsd > 0 ? "cost" : "tokens")
  const { style } = ctx
  ctx.print(
    `${style.bold("Usage")} ${from} → ${to}: ${formatUsd(totals.costMicroUsd)}, ` +
      `${formatCount(tokensOf(totals))} tokens (${formatCount(totals.inputTokens)} in, ${formatCount(totals.outputTokens)} out, ` +
      `${formatCount(totals.cacheReadTokens)} cache read), ${formatCount(totals.requests)} requests`,
  )
  if (totals.unpricedRequests > 0) {
    ctx.print(
      style.yellow(
        `${totals.unpricedRequests} requests had no known price; the cost shown is lower than the real one.`,
      ),
    )
  }
  const sections: Dimension[][] = by ? [by] : [["account"], ["model"], ["project"], ["day"]]
  for (const section of sections) {
    const groups = groupRows(rows, section, labelOf)
    if (!by && section[0] === "project" && groups.length < 2) continue
    printChart(ctx, section, groups, metric, values.ascii === true)
  }
  return 0
}

function printChart(ctx: Context, by: readonly Dimension[], groups: Group[], metric: Metric, ascii: boolean) {
  const { style } = ctx
  const sorted =
    by.length === 1 && by[0] === "day"
      ? groups.sort((a, b) => (a.key.day ?? "").localeCompare(b.key.day ?? ""))
      : groups.sort((a, b) => metricOf(b.counters, metric) - metricOf(a.counters, metric))
  const labelText = (g: Group) =>
    by.map((d) => (d === "project" ? shortProject(g.key[d] ?? "", ctx.env) : (g.key[d] ?? ""))).join(" · ")
  const valueText = (g: Group) =>
    metric === "cost"
      ? formatUsd(g.counters.costMicroUsd)
      : metric === "tokens"
        ? formatCount(tokensOf(g.counters))
        : formatCount(g.counters.requests)
  const detailText = (g: Group) =>
    metric === "cost"
      ? `${formatCount(tokensOf(g.counters))} tok, ${formatCount(g.counters.requests)} req`
      : metric === "tokens"
        ? `${formatCount(g.counters.inputTokens)} in, ${formatCount(g.counters.outputTokens)} out`
        : `${formatCount(tokensOf(g.counters))} tok`
  const width = Number.isFinite(ctx.width) ? ctx.width : 100
  const valueWidth = Math.max(...sorted.map((g) => valueText(g).length))
  const detailWidth = Math.max(...sorted.map((g) => detailText(g).length))
  const labelWidth = Math.min(
    Math.max(...sorted.map((g) => displayWidth(labelText(g)))),
    Math.max(12, Math.floor(width * 0.35)),
  )
  const barWidth = Math.max(8, Math.min(40, width - labelWidth - valueWidth - detailWidth - 6))
  const max = Math.max(...sorted.map((g) => metricOf(g.counters, metric)))
  ctx.print("", style.bold(`By ${by.join(" × ")}`) + style.dim(` (${metric})`))
  for (const g of sorted) {
    const label = truncate(labelText(g), labelWidth)
    const drawn = bar(metricOf(g.counters, metric), max, barWidth, ctx.unicode && !ascii)
    ctx.print(
      `${label}${" ".repeat(labelWidth - displayWidth(label))}  ${style.cyan(drawn)}${" ".repeat(barWidth - displayWidth(drawn))}  ${valueText(g).padStart(valueWidth)}  ${style.dim(detailText(g))}`.trimEnd(),
    )
  }
}

export default usage
