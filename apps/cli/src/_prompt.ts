import type { Context } from "./_context.ts"
import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

/*
 * Prompts run on stdin and draw on stderr, so stdout stays clean for `--json` and pipes. They are only shown when
 * both are terminals (`ctx.interactive`); commands check that first and otherwise ask for a flag.
 */

function cancelled(): CliError {
  return new CliError(CLI_ERROR_CODES.CANCELLED, "Cancelled; nothing was changed.")
}

async function clack() {
  return import("@clack/prompts")
}

function streams(ctx: Context) {
  return { input: ctx.stdin as NodeJS.ReadStream, output: ctx.stderr as unknown as NodeJS.WriteStream }
}

/** Asks for a line of text; `validate` returns a message to ask again. */
export async function askText(
  ctx: Context,
  message: string,
  options: {
    placeholder?: string
    defaultValue?: string
    validate?: (value: string) => string | undefined
  } = {},
): Promise<string> {
  const { text, isCancel } = await clack()
  const answer = await text({
    message,
    ...streams(ctx),
    ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}),
    ...(options.defaultValue !== undefined ? { defaultValue: options.defaultValue } : {}),
    ...(options.validate ? { validate: (value: string | undefined) => options.validate?.(value ?? "") } : {}),
  })
  if (isCancel(answer)) throw cancelled()
  return (answer ?? "").trim()
}

/** Asks for a secret: nothing typed is echoed (each character shows as a mask). */
export async function askSecret(
  ctx: Context,
  message: string,
  validate?: (value: string) => string | undefined,
): Promise<string> {
  const { password, isCancel } = await clack()
  const answer = await password({
    message,
    ...streams(ctx),
    ...(validate ? { validate: (value: string | undefined) => validate(value ?? "") } : {}),
  })
  if (isCancel(answer)) throw cancelled()
  return (answer ?? "").trim()
}

/** Asks to pick one of `choices`. */
export async function askChoice<T extends string>(
  ctx: Context,
  message: string,
  choices: readonly { value: T; label: string; hint?: string }[],
  initialValue?: T,
): Promise<T> {
  const { select, isCancel } = await clack()
  const answer = await select<T>({
    message,
    ...streams(ctx),
    options: choices.map((c) => ({
      value: c.value,
      label: c.label,
      ...(c.hint ? { hint: c.hint } : {}),
    })) as never,
    ...(initialValue !== undefined ? { initialValue } : {}),
  })
  if (isCancel(answer)) throw cancelled()
  return answer as T
}

/** Asks yes or no. */
export async function askConfirm(ctx: Context, message: string, initialValue = true): Promise<boolean> {
  const { confirm, isCancel } = await clack()
  const answer = await confirm({ message, ...streams(ctx), initialValue })
  if (isCancel(answer)) throw cancelled()
  return answer
}
