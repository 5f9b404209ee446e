import { resolve } from "node:path"
import type { CommandHandler } from "../_commands.ts"
import { formatIn, isoOrNull } from "../_format.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"

const rulesExplain: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const { explainRoute } = await import("@keyrelay/pool-fetch")
  const [dir, model] = positionals
  const directory = resolve(ctx.cwd, dir ?? ".")
  const explanation = explainRoute({ store, directory, ...(model ? { model } : {}), now: ctx.now })
  const now = ctx.now()
  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      directory,
      model: model ?? null,
      modelClass: explanation.modelClass,
      ruleId: explanation.ruleId ?? null,
      strategy: explanation.strategy,
      picked: explanation.picked
        ? { id: explanation.picked, label: store.getAccount(explanation.picked)?.label ?? null }
        : null,
      accounts: explanation.accounts.map((a) => ({
        id: a.id,
        label: a.label,
        status: a.status,
        reason: a.reason,
        until: isoOrNull(a.until),
      })),
    })
    return 0
  }
  const { style } = ctx
  const rule = explanation.ruleId ? store.listRules().find((r) => r.id === explanation.ruleId) : undefined
  ctx.print(
    `${style.bold("Request")} from ${directory}${model ? ` for ${model} (class ${explanation.modelClass})` : ""}`,
  )
  ctx.print(
    rule
      ? `Rule ${rule.id}${rule.description ? ` (${rule.description})` : ""} matches: its accounts are the candidates.`
      : "No rule matches: every enabled account is a candidate.",
  )
  ctx.print(`Strategy: ${explanation.strategy}.`, "")
  const picked = explanation.accounts.find((a) => a.status === "picked")
  if (picked)
    ctx.print(
      `${style.green(ctx.unicode ? "→" : "->")} ${style.bold(picked.label)} would serve: ${picked.reason}.`,
    )
  else ctx.print(`${style.red(ctx.unicode ? "✗" : "x")} No account can serve this request now.`)
  for (const account of explanation.accounts) {
    if (account.status === "picked") continue
    const when = account.until ? ` (${formatIn(account.until, now)})` : ""
    const dot = ctx.unicode ? "·" : "-"
    const mark = account.status === "available" ? style.cyan(dot) : style.dim(dot)
    ctx.print(`  ${mark} ${account.label}: ${account.status} — ${account.reason}${when}`)
  }
  return 0
}
export default rulesExplain
