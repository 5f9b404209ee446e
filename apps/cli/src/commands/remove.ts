import { findAccounts } from "../_account-ref.ts"
import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { askConfirm } from "../_prompt.ts"

const remove: CommandHandler = async (ctx, { positionals, values }) => {
  const store = await ctx.store()
  const accounts = findAccounts(store, positionals)
  if (values.yes !== true) {
    ctx.requireInteractive("pass --yes to remove without being asked.")
    const names = accounts.map((a) => a.label).join(", ")
    const sure = await askConfirm(ctx, `Remove ${names} for good (secrets, state and usage)?`, false)
    if (!sure) {
      ctx.info("Nothing removed.")
      return 1
    }
  }
  for (const account of accounts) await store.removeAccount(account.id)
  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      removed: accounts.map((a) => ({ id: a.id, label: a.label })),
    })
  } else {
    for (const account of accounts) ctx.print(`Removed ${account.label} (${account.id}).`)
  }
}
export default remove
