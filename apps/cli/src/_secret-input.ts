import type { Context } from "./_context.ts"
import { askSecret } from "./_prompt.ts"
import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

const MAX_STDIN_BYTES = 64 * 1024

/** Reads all of stdin (a pipe or a file), at most 64 KiB. */
export async function readStdin(ctx: Context): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.stdin) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > MAX_STDIN_BYTES) {
      throw new CliError(CLI_ERROR_CODES.NO_SECRET, "stdin holds more than 64 KiB; pipe only the key itself.")
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString("utf8")
}

/**
 * Why a string cannot be an API key for the pool, or `undefined` when it can. Keys of other kinds are refused with
 * what to do instead: an OAuth token (`sk-ant-oat…`) is either a subscription token, which keyrelay never uses,
 * or a short-lived federation token, which the `federation` kind mints itself; an Admin key cannot call Messages.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "The key is empty."
  if (/\s/.test(key)) return "The key has spaces or several lines in it; pass the key alone."
  if (/^sk-ant-oat/i.test(key)) {
    return (
      "That is an OAuth access token, not an API key. keyrelay never uses Claude subscription tokens, and " +
      "short-lived federation tokens are minted by the `federation` kind itself. Create a key at " +
      "console.anthropic.com (Settings → API keys), or add a `federation` account."
    )
  }
  if (/^sk-ant-admin/i.test(key)) {
    return "That is an Admin API key, which cannot send messages. Use a regular API key (sk-ant-api…)."
  }
  if (key.length < 8) return "The key is too short to be an API key."
  return undefined
}

/**
 * Gets an API key without it ever touching argv or the screen: from stdin when it is piped (or `--key-stdin`),
 * else from a hidden prompt on a terminal.
 *
 * @throws CliError ERR_CLI_NO_SECRET when stdin is empty or the key is malformed, ERR_CLI_NOT_INTERACTIVE when
 * there is neither a pipe nor a terminal
 */
export async function readApiKey(ctx: Context, label: string): Promise<string> {
  if (ctx.stdin.isTTY !== true) {
    const key = (await readStdin(ctx)).trim()
    if (key === "") {
      throw new CliError(
        CLI_ERROR_CODES.NO_SECRET,
        "No key arrived on stdin. Pipe it in (`keyrelay add <label> --kind api-key --key-stdin < key.txt`), or run on a terminal to be asked.",
      )
    }
    const problem = apiKeyProblem(key)
    if (problem) throw new CliError(CLI_ERROR_CODES.NO_SECRET, `${problem} Nothing was saved.`)
    return key
  }
  ctx.requireInteractive("pipe the key on stdin with --key-stdin.")
  return askSecret(ctx, `API key for ${label} (hidden; paste and press Enter)`, (value) =>
    apiKeyProblem(value.trim()),
  )
}
