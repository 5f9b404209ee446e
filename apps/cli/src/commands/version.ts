import type { CommandHandler } from "../_commands.ts"
import { VERSION } from "../version.ts"

const version: CommandHandler = async (ctx) => {
  ctx.print(VERSION)
}
export default version
