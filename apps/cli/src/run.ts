import type { ParseArgsConfig } from "node:util"
import {
  type CommandSpec,
  findCommand,
  GLOBAL_OPTIONS,
  type OptionSpec,
  type ParsedCommand,
} from "./_commands.ts"
import { Context, type GlobalFlags, type RunOptions } from "./_context.ts"
import { refuseSecretsInArgv } from "./_secret-guard.ts"
import { usageError } from "./cli-error.ts"

export type { RunOptions }

// Taken with getBuiltinModule, not an ESM import: importing node:util builds its whole namespace, whose lazy members
// load modules (MIME types, abort signals) that parseArgs never uses — about a millisecond of every command's start.
const { parseArgs } = process.getBuiltinModule("node:util")

/** Leading global flags and the command words after them, without parsing the command's own options. */
function splitCommand(argv: readonly string[]): { words: string[]; rest: string[] } {
  const rest: string[] = []
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--home") {
      rest.push(arg, argv[i + 1] ?? "")
      i++
    } else if (arg.startsWith("-") && arg !== "-") rest.push(arg)
    else break
  }
  const words: string[] = []
  while (i < argv.length && words.length < 2 && !argv[i]!.startsWith("-")) words.push(argv[i++]!)
  const found = findCommand(words)
  const used = found?.used ?? Math.min(words.length, 1)
  return { words: words.slice(0, used), rest: [...rest, ...words.slice(used), ...argv.slice(i)] }
}

function parseOptions(spec: CommandSpec, rest: string[]) {
  const options: ParseArgsConfig["options"] = {}
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...spec.options }
  for (const [name, option] of Object.entries(all)) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    }
  }
  try {
    return parseArgs({ args: rest, options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, ".") : ""
    throw usageError(`${message} Run \`keyrelay ${spec.name} --help\` for its options.`)
  }
}

function globalFlagsOf(values: Record<string, unknown>): GlobalFlags {
  return {
    json: values.json === true,
    home: typeof values.home === "string" ? values.home : undefined,
    noColor: values["no-color"] === true,
  }
}

/** Global flags read leniently, so that an error before a command was found still honours `--json`. */
function looseFlags(argv: readonly string[]): GlobalFlags {
  const home = argv.indexOf("--home")
  return {
    json: argv.includes("--json"),
    home: home >= 0 ? argv[home + 1] : undefined,
    noColor: argv.includes("--no-color"),
  }
}

/**
 * Runs one `keyrelay` command line and resolves to its exit code: 0 ok, 1 failure, 2 usage error. Output goes to
 * the given streams (default the process's); nothing here calls `process.exit`.
 *
 * @example
 * ```ts
 * import { run } from "keyrelay"
 * const code = await run(["list", "--json"])
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const holder = { ctx: new Context(options, looseFlags(argv)) }
  let code: number
  try {
    code = await execute(argv, options, holder)
  } catch (error) {
    code = await report(holder.ctx, error)
  }
  try {
    await holder.ctx.close()
  } catch (error) {
    code = Math.max(code, await report(holder.ctx, error))
  }
  return code
}

async function execute(
  argv: readonly string[],
  options: RunOptions,
  holder: { ctx: Context },
): Promise<number> {
  refuseSecretsInArgv(argv)
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) argv = ["version"]
  const { words, rest } = splitCommand(argv)
  if (words.length === 0) {
    const { printOverview } = await import("./_help.ts")
    printOverview(holder.ctx)
    return rest.length === 0 || rest.includes("--help") || rest.includes("-h") ? 0 : 2
  }
  const found = findCommand(words)
  if (!found) {
    const { suggest } = await import("./_help.ts")
    throw usageError(
      `Unknown command \`${words.join(" ")}\`.${suggest(words[0]!)} Run \`keyrelay help\` for the list.`,
    )
  }
  const { spec } = found
  const parsed = parseOptions(spec, rest)
  const ctx = new Context(options, globalFlagsOf(parsed.values))
  holder.ctx = ctx
  if (parsed.values.help === true) {
    const { printCommandHelp } = await import("./_help.ts")
    printCommandHelp(ctx, spec)
    return 0
  }
  const bounds = spec.positionals ?? { min: 0, max: 0 }
  if (parsed.positionals.length < bounds.min || parsed.positionals.length > bounds.max) {
    const usage = `keyrelay ${spec.name}${spec.args ? ` ${spec.args}` : ""}`
    throw usageError(
      parsed.positionals.length < bounds.min
        ? `Missing argument: usage is \`${usage}\`.`
        : `Too many arguments: usage is \`${usage}\`.`,
    )
  }
  if (ctx.flags.json && !spec.json) throw usageError(`\`keyrelay ${spec.name}\` has no --json output.`)
  const handler = (await spec.load()).default
  return (
    (await handler(ctx, {
      positionals: parsed.positionals,
      values: parsed.values as ParsedCommand["values"],
    })) ?? 0
  )
}

async function report(ctx: Context, error: unknown): Promise<number> {
  const { describeError } = await import("./_describe-error.ts")
  const { code, message, exitCode } = describeError(error)
  if (ctx.flags.json) ctx.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`)
  else ctx.stderr.write(`${ctx.errStyle.red("error:")} ${message}\n`)
  return exitCode
}
