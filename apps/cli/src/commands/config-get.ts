import type { CommandHandler } from "../_commands.ts"
import { CONFIG_KEYS, getValue } from "../_config-keys.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"

function show(value: unknown): string {
  return value === undefined ? "(not set)" : typeof value === "string" ? value : JSON.stringify(value)
}

const configGet: CommandHandler = async (ctx, { positionals }) => {
  const store = await ctx.store()
  const config = store.config
  const [key] = positionals
  if (key !== undefined) {
    const value = getValue(config, key)
    if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, key, value: value ?? null })
    else ctx.print(show(value))
    return 0
  }
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, config })
    return 0
  }
  const width = Math.max(...Object.keys(CONFIG_KEYS).map((k) => k.length))
  for (const [name, { description }] of Object.entries(CONFIG_KEYS)) {
    ctx.print(`${name.padEnd(width)}  ${show(getValue(config, name))}  ${ctx.style.dim(description)}`)
  }
  return 0
}
export default configGet
