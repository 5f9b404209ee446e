import { updateAccounts } from "../_account-updates.ts"
import type { CommandHandler } from "../_commands.ts"

const unpin: CommandHandler = async (ctx, { positionals }) => {
  await updateAccounts(
    ctx,
    positionals,
    { pinned: false },
    (a) => `Unpinned ${a.label}; the strategy picks again.`,
  )
}
export default unpin
