import { join } from "node:path"
import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"

const FILES = [
  "accounts.json",
  "secrets.json",
  "rules.json",
  "config.json",
  "state.json",
  "usage.json",
] as const

const configPath: CommandHandler = async (ctx) => {
  const home = await ctx.home()
  const files = Object.fromEntries(FILES.map((f) => [f.replace(".json", ""), join(home, f)]))
  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, home, files })
  else ctx.print(home)
  return 0
}
export default configPath
