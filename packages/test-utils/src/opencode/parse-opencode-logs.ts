/** One line of OpenCode's `--print-logs` output (logfmt: `timestamp=… level=INFO message="…" key=value …`). */
export interface OpencodeLogLine {
  /** ISO timestamp as printed. */
  timestamp: string
  /** `DEBUG`, `INFO`, `WARN` or `ERROR`. */
  level: string
  /** The `message` field. */
  message: string
  /** Every field of the line, `timestamp`, `level` and `message` included, values unquoted. */
  fields: Record<string, string>
  /** The line as printed. */
  line: string
}

const FIELD = /([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g

function unquote(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c))
}

/**
 * Picks OpenCode's log lines out of what `opencode run --print-logs` wrote to stderr and parses each into its
 * fields; other stderr lines (the `> build · model` banner, `Error: …`) are left out.
 *
 * @example
 * ```ts
 * const failures = parseOpencodeLogs(result.stderr).filter((l) => l.message === "failed to load plugin")
 * ```
 */
export function parseOpencodeLogs(stderr: string): OpencodeLogLine[] {
  const lines: OpencodeLogLine[] = []
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("timestamp=")) continue
    const fields: Record<string, string> = {}
    for (const match of line.matchAll(FIELD)) {
      fields[match[1]!] = match[2] === undefined ? (match[3] ?? "") : unquote(match[2])
    }
    lines.push({
      timestamp: fields.timestamp ?? "",
      level: fields.level ?? "",
      message: fields.message ?? "",
      fields,
      line,
    })
  }
  return lines
}
