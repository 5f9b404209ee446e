import type { CommandHandler } from "../_commands.ts"
import { CONFIG_KEYS, getValue } from "../_config-keys.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { renderTable } from "../_table.ts"

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
  const leaves = Object.entries(CONFIG_KEYS).filter(
    ([name]) => !Object.keys(CONFIG_KEYS).some((k) => k.startsWith(`${name}.`)),
  )
  ctx.print(
    ...renderTable(
      [
        { header: "SETTING" },
        { header: "VALUE", shrink: true, min: 10 },
        { header: "WHAT", shrink: true, min: 10 },
      ],
      leaves.map(([name, { description }]) => [name, show(getValue(config, name)), description]),
      { width: ctx.width, header: ctx.style.dim },
    ),
    "",
    ctx.style.dim("Change one: `keyrelay config set <setting> <value>`; files: `keyrelay config path`."),
  )
  return 0
}
export default configGet
