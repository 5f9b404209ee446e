import type { CommandHandler } from "../_commands.ts"
import { findCommand } from "../_commands.ts"
import { usageError } from "../cli-error.ts"
import { JSON_SCHEMAS } from "../json-schemas.ts"

const schema: CommandHandler = async (ctx, { positionals }) => {
  if (positionals.length === 0) {
    ctx.print("Commands with a --json schema:", ...Object.keys(JSON_SCHEMAS).map((name) => `  ${name}`))
    ctx.print("", "`keyrelay schema <command>` prints one (JSON Schema 2020-12).")
    return 0
  }
  const name = positionals.join(" ")
  const resolved = name === "error" ? "error" : findCommand(positionals)?.spec.name
  const key =
    resolved === "rules"
      ? "rules list"
      : resolved === "config"
        ? "config get"
        : resolved === "opencode"
          ? "opencode status"
          : resolved
  const found = key ? JSON_SCHEMAS[key] : undefined
  if (!found) throw usageError(`\`${name}\` has no --json output. \`keyrelay schema\` lists those that do.`)
  ctx.printJson(found)
  return 0
}
export default schema
