import type { CommandHandler } from "../_commands.ts"
import { findCommand } from "../_commands.ts"
import { printCommandHelp, printOverview, suggest } from "../_help.ts"
import { usageError } from "../cli-error.ts"

const help: CommandHandler = async (ctx, { positionals }) => {
  if (positionals.length === 0) {
    printOverview(ctx)
    return 0
  }
  const found = findCommand(positionals)
  if (!found || found.used !== positionals.length) {
    throw usageError(
      `No command \`${positionals.join(" ")}\`.${suggest(positionals[0]!)} Run \`keyrelay help\`.`,
    )
  }
  printCommandHelp(ctx, found.spec)
  return 0
}
export default help
