import { updateAccounts } from "../_account-updates.ts"
import type { CommandHandler } from "../_commands.ts"

/** An account's own cooldowns: `acct:<id>` and `acct:<id>|<class>` (its organization's are shared, and stay). */
function ownKeys(id: string): (key: string) => boolean {
  return (key) => key === `acct:${id}` || key.startsWith(`acct:${id}|`)
}

const enable: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  await updateAccounts(
    ctx,
    positionals,
    { enabled: true, disabledReason: null },
    (a) => `Enabled ${a.label}; its own cooldowns are cleared.`,
    (a) => store.clearCooldowns(ownKeys(a.id)),
  )
}
export default enable
