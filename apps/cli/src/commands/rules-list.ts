import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { matchText, ruleJson, useText } from "../_rules-view.ts"
import { renderTable } from "../_table.ts"

const rulesList: CommandHandler = async (ctx) => {
  const store = await ctx.store()
  const rules = store.listRules()
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, rules: rules.map((r) => ruleJson(r, store)) })
    return 0
  }
  if (rules.length === 0) {
    ctx.print("No routing rules: every request may use any enabled account.")
    ctx.print('Add one with `keyrelay rules add --dir "~/work/**" --tag work`.')
    return 0
  }
  ctx.print(
    ...renderTable(
      [
        { header: "#", align: "right" },
        { header: "RULE" },
        { header: "WHEN", shrink: true, min: 10 },
        { header: "USE", shrink: true, min: 8 },
        { header: "STRATEGY" },
        { header: "NOTE", shrink: true, min: 4 },
      ],
      rules.map((rule, i) => [
        String(i + 1),
        rule.id,
        matchText(rule),
        useText(rule, store),
        rule.strategy ?? "—",
        rule.description ?? "",
      ]),
      { width: ctx.width, header: ctx.style.dim },
    ),
    "",
    ctx.style.dim(
      "The first rule that matches a request decides; with none, every enabled account is a candidate.",
    ),
  )
  return 0
}
export default rulesList
