import { updateAccounts } from "../_account-updates.ts"
import type { CommandHandler } from "../_commands.ts"

const pin: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const [pinned] = await updateAccounts(
    ctx,
    positionals,
    { pinned: true },
    (a) => `Pinned ${a.label}: it serves whenever it is a candidate and not cooling down.`,
  )
  const others = store.listAccounts().filter((a) => a.pinned && a.id !== pinned?.id)
  if (others.length > 0 && !ctx.flags.json) {
    ctx.info(
      `Also pinned: ${others.map((a) => a.label).join(", ")}. \`keyrelay unpin <account>\` unpins one.`,
    )
  }
}
export default pin
