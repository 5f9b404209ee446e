import { updateAccounts } from "../_account-updates.ts"
import type { CommandHandler } from "../_commands.ts"

const disable: CommandHandler = async (ctx, { positionals, values }) => {
  const reason =
    typeof values.reason === "string" && values.reason.trim() ? values.reason.trim() : "disabled by the user"
  await updateAccounts(
    ctx,
    positionals,
    { enabled: false, disabledReason: reason },
    (a) => `Disabled ${a.label}. \`keyrelay enable ${a.label}\` turns it back on.`,
  )
}
export default disable
