import type { CommandHandler } from "../_commands.ts"
import { updateAccounts } from "../_account-updates.ts"

const unpin: CommandHandler = async (ctx, { positionals }) => {
  await updateAccounts(ctx, positionals, { pinned: false }, (a) => `Unpinned ${a.label}; the strategy picks again.`)
}
export default unpin
