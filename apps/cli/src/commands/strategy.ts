import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { checkStrategy, DEFAULT_STRATEGY, STRATEGY_HELP, STRATEGY_NAMES } from "../_strategies.ts"

const strategy: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const [name] = positionals
  if (name !== undefined) {
    await store.updateConfig({ strategy: checkStrategy(name) })
    if (!ctx.flags.json) {
      ctx.print(
        `Strategy: ${name} — ${STRATEGY_HELP[name] ?? ""}. A running OpenCode picks it up on its next request.`,
      )
    }
  }
  const current = store.config.strategy
  const overrides = store.listRules().filter((r) => r.strategy !== undefined)
  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      strategy: current ?? DEFAULT_STRATEGY,
      isDefault: current === undefined,
      available: STRATEGY_NAMES.map((n) => ({ name: n, description: STRATEGY_HELP[n] ?? "" })),
      ruleOverrides: overrides.map((r) => ({ ruleId: r.id, strategy: r.strategy })),
    })
    return 0
  }
  if (name !== undefined) return 0
  ctx.print(
    `Strategy: ${ctx.style.bold(current ?? DEFAULT_STRATEGY)}${current === undefined ? " (the default)" : ""}`,
    "",
  )
  const [on, off] = ctx.unicode ? ["●", "○"] : ["*", " "]
  for (const n of STRATEGY_NAMES)
    ctx.print(`  ${n === (current ?? DEFAULT_STRATEGY) ? on : off} ${n.padEnd(12)} ${STRATEGY_HELP[n] ?? ""}`)
  for (const rule of overrides) ctx.print("", `Rule ${rule.id} uses ${rule.strategy} for its requests.`)
  ctx.print("", ctx.style.dim("Change it: `keyrelay strategy <name>`."))
  return 0
}
export default strategy
