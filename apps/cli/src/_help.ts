import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from "./_commands.ts"
import type { Context } from "./_context.ts"
import { VERSION } from "./version.ts"

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const entries = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : "    "}--${name}${option.value ? ` ${option.value}` : ""}`
    return [flag, option.description] as const
  })
  const width = Math.max(...entries.map(([flag]) => flag.length))
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`)
}

/** `keyrelay` alone, or `keyrelay help`: every command in one screen. */
export function printOverview(ctx: Context): void {
  const { bold } = ctx.style
  const visible = COMMANDS.filter((c) => !c.hidden)
  const width = Math.max(...visible.map((c) => c.name.length))
  ctx.print(
    `${bold("keyrelay")} ${VERSION} — a pool of your own Anthropic credentials, from the terminal`,
    "",
    `${bold("Usage:")} keyrelay <command> [options]`,
    "",
    bold("Commands:"),
    ...visible.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    bold("Options for every command:"),
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage error. Run `keyrelay <command> --help` for a command's options.",
    "Files: `keyrelay config path`. Shared safely with OpenCode while it runs.",
  )
}

/** `keyrelay <command> --help`. */
export function printCommandHelp(ctx: Context, spec: CommandSpec): void {
  const { bold } = ctx.style
  const lines = [
    `${bold("Usage:")} keyrelay ${spec.name}${spec.args ? ` ${spec.args}` : ""} [options]`,
    "",
    spec.summary,
  ]
  if (spec.aliases?.length) lines.push("", `Also: ${spec.aliases.map((a) => `keyrelay ${a}`).join(", ")}`)
  const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${spec.name} `))
  if (subcommands.length > 0) {
    const width = Math.max(...subcommands.map((c) => c.name.length))
    lines.push("", bold("Commands:"), ...subcommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`))
  }
  if (spec.options && Object.keys(spec.options).length > 0)
    lines.push("", bold("Options:"), ...optionLines(spec.options))
  const globals = spec.json
    ? GLOBAL_OPTIONS
    : Object.fromEntries(Object.entries(GLOBAL_OPTIONS).filter(([n]) => n !== "json"))
  lines.push("", bold("Options for every command:"), ...optionLines(globals))
  if (spec.details) lines.push("", spec.details)
  ctx.print(...lines)
}

/** ` Did you mean \`list\`?` for a near miss, else the empty string. */
export function suggest(word: string): string {
  let best: { name: string; distance: number } | undefined
  for (const command of COMMANDS) {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (name.includes(" ")) continue
      const distance = editDistance(word, name)
      if (!best || distance < best.distance) best = { name, distance }
    }
  }
  return best && best.distance <= Math.max(1, Math.floor(word.length / 3))
    ? ` Did you mean \`${best.name}\`?`
    : ""
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), so `lsit` is near `list`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}
