import type { CommandHandler } from "../_commands.ts"
import { getValue, parseValue, patchFor } from "../_config-keys.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"

/** `config set <key> <value>` and `config unset <key>` (told apart by the number of arguments). */
const configSet: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const [key, text] = positionals as [string, string | undefined]
  const value = text === undefined ? undefined : parseValue(key, text)
  // A nested setting (toasts.onSwitch) is written as its whole parent object, so it is read and written under one
  // lock, after re-reading config.json under that lock.
  const config = await store.withLock(async () => {
    await store.reload()
    return store.updateConfig(patchFor(store.config, key, value))
  })
  const now = getValue(config, key)
  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, key, value: now ?? null })
  else
    ctx.print(
      now === undefined
        ? `${key} is unset.`
        : `${key} = ${typeof now === "string" ? now : JSON.stringify(now)}`,
    )
  return 0
}
export default configSet
