import { usageError } from "./cli-error.ts"

const DAY = 86_400_000

/** The UTC day `YYYY-MM-DD` of an epoch ms. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10)
}

/**
 * A day from `YYYY-MM-DD`, `today`, `yesterday`, or a span back from today: `7d`, `2w`, `3m` (months). A span of
 * `7d` means the last seven days including today.
 *
 * @throws CliError ERR_CLI_USAGE
 */
export function parseDay(text: string, now: number, what: string): string {
  const value = text.trim().toLowerCase()
  if (value === "today") return utcDay(now)
  if (value === "yesterday") return utcDay(now - DAY)
  const span = /^(\d+)\s*([dwm])$/.exec(value)
  if (span) {
    const n = Number(span[1])
    if (n < 1) throw usageError(`${what}: a span is at least 1 (like 7d).`)
    if (span[2] === "m") {
      const date = new Date(now)
      date.setUTCMonth(date.getUTCMonth() - n)
      return utcDay(date.getTime() + DAY)
    }
    return utcDay(now - (n * (span[2] === "w" ? 7 : 1) - 1) * DAY)
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    if (utcDay(Date.parse(`${value}T00:00:00Z`)) === value) return value
  }
  throw usageError(
    `${what}: "${text}" is not a day. Use YYYY-MM-DD, today, yesterday, or a span like 7d, 2w, 3m.`,
  )
}
