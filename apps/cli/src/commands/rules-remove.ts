import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { CLI_ERROR_CODES, CliError } from "../cli-error.ts"

const rulesRemove: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const rules = store.listRules()
  const ids = positionals.map((ref) => {
    // A rule may be named by its id or by its position in `rules list`.
    const byPosition = /^\d+$/.test(ref) ? rules[Number(ref) - 1] : undefined
    const rule = rules.find((r) => r.id === ref) ?? byPosition
    if (!rule)
      throw new CliError(
        CLI_ERROR_CODES.RULE_NOT_FOUND,
        `No rule "${ref}". \`keyrelay rules list\` shows their ids.`,
      )
    return rule.id
  })
  for (const id of new Set(ids)) await store.removeRule(id)
  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, removed: [...new Set(ids)] })
  else for (const id of new Set(ids)) ctx.print(`Removed ${id}.`)
  return 0
}
export default rulesRemove
