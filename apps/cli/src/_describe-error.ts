import { redactSecret } from "@keyrelay/account-store"
import { CLI_ERROR_CODES, isCliError } from "./cli-error.ts"

/** Keys and tokens that might hide in a message from below (they should not; this is the last line of defense). */
const SECRET_PATTERN = /sk-ant-[A-Za-z0-9_-]+/g

/** What the CLI prints for an error: a stable code, a message without secrets, and the exit code. */
export function describeError(error: unknown): { code: string; message: string; exitCode: number } {
  if (isCliError(error)) return { code: error.code, message: scrub(error.message), exitCode: error.exitCode }
  if (isKeyrelayError(error)) return { code: error.code, message: scrub(error.message), exitCode: 1 }
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: CLI_ERROR_CODES.UNEXPECTED,
    message: `${scrub(message)} (unexpected; please report it with the command you ran)`,
    exitCode: 1,
  }
}

/** Errors of every keyrelay package carry a `Symbol.for("keyrelay.error.<Class>")` marker and a stable code. */
function isKeyrelayError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== "string") return false
  return Object.getOwnPropertySymbols(error).some((symbol) =>
    symbol.description?.startsWith("keyrelay.error."),
  )
}

/** Replaces anything shaped like an Anthropic key with its redacted form. */
export function scrub(text: string): string {
  return text.replace(SECRET_PATTERN, (secret) => redactSecret(secret))
}
