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

/**
 * The number of terminal columns a string takes: ANSI color escapes take none, combining marks and zero-width
 * joiners none, East Asian wide characters and emoji two, everything else one. Hand-written rather than a library
 * because the libraries that do this compile large Unicode-property regexes at import, which costs more than the
 * whole of `keyrelay list`'s own work (startup budget: 150 ms); a table only needs column widths.
 */
export function displayWidth(text: string): number {
  const plain = text.includes("\u001b") ? text.replace(ANSI, "") : text
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length
  let width = 0
  for (const char of plain) width += charWidth(char.codePointAt(0)!)
  return width
}

function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0
  if ((code >= 0x300 && code < 0x370) || code === 0x200b || code === 0x200c || code === 0x200d) return 0
  if (code >= 0xfe00 && code <= 0xfe0f) return 0
  return (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
    ? 2
    : 1
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
