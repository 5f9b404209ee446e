import stringWidth from "fast-string-width"

/** ANSI styles that collapse to the identity when color is off (NO_COLOR, --no-color, not a terminal). */
export interface Style {
  readonly enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const

export function createStyle(enabled: boolean): Style {
  const wrap =
    (name: keyof typeof CODES) =>
    (text: string): string =>
      enabled && text ? `\u001b[${CODES[name][0]}m${text}\u001b[${CODES[name][1]}m` : text
  return {
    enabled,
    bold: wrap("bold"),
    dim: wrap("dim"),
    red: wrap("red"),
    green: wrap("green"),
    yellow: wrap("yellow"),
    cyan: wrap("cyan"),
  }
}

/**
 * Whether to color a stream: `FORCE_COLOR` (non-zero) forces it, `NO_COLOR` (any non-empty value, no-color.org)
 * and `--no-color` turn it off, and otherwise only a terminal that is not `dumb` gets color.
 */
export function wantsColor(
  stream: { isTTY?: boolean | undefined },
  env: Record<string, string | undefined>,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag) return false
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true
  return stream.isTTY === true && env.TERM !== "dumb"
}

/**
 * Whether the terminal can draw Unicode block characters: not the Linux console or a dumb terminal, and not a
 * locale that says it is not UTF-8 (`LANG=C`).
 */
export function wantsUnicode(env: Record<string, string | undefined>): boolean {
  if (env.TERM === "linux" || env.TERM === "dumb") return false
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG
  if (!locale) return process.platform !== "win32" || Boolean(env.WT_SESSION)
  if (locale === "C" || locale === "POSIX") return false
  return /utf-?8/i.test(locale)
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g

/** The number of terminal columns a string takes (ANSI escapes take none, wide characters two). */
export function displayWidth(text: string): number {
  return stringWidth(text)
}

/** Cuts a plain string to `width` columns, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 1) return width === 1 ? "…" : ""
  const plain = text.replace(ANSI, "")
  let out = ""
  let used = 0
  for (const char of plain) {
    const w = displayWidth(char)
    if (used + w > width - 1) break
    out += char
    used += w
  }
  return `${out}…`
}
