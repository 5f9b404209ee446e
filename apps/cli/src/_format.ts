/** Formats integer micro-USD as dollars: `$12.34`, `$0.0081` below a cent, `$0` for nothing. */
export function formatUsd(microUsd: number): string {
  if (microUsd === 0) return "$0"
  const usd = microUsd / 1_000_000
  if (Math.abs(usd) >= 1000) return `$${groupThousands(Math.round(usd))}`
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`
  return `$${usd.toPrecision(2)}`
}

/** Formats a budget in whole or fractional dollars as given by the user: `$200`, `$12.50`. */
export function formatBudgetUsd(usd: number): string {
  return Number.isInteger(usd) ? `$${groupThousands(usd)}` : `$${usd.toFixed(2)}`
}

/** `1234567` → `1,234,567`. Not `toLocaleString`: loading Intl's number data costs ~15 ms of a 150 ms start. */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
}

/** Short token counts: `950`, `12.3k`, `4.5M`. */
export function formatCount(n: number): string {
  const abs = Math.abs(n)
  if (abs < 1000) return String(n)
  if (abs < 1_000_000) return `${trim(n / 1000)}k`
  if (abs < 1_000_000_000) return `${trim(n / 1_000_000)}M`
  return `${trim(n / 1_000_000_000)}B`
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, "")
}

/** A duration for people: `45s`, `3m 20s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`
}

/** How long ago, for people: `just now`, `5m ago`, `3d ago`; `never` without a time. */
export function formatAgo(at: number | undefined, now: number): string {
  if (at === undefined) return "never"
  const ms = now - at
  if (ms < 5000) return "just now"
  return `${formatDuration(ms).split(" ")[0]} ago`
}

/** How long until, for people: `in 45s`, `in 2h 5m`; `now` when it has passed. */
export function formatIn(until: number, now: number): string {
  // Rounded up: "in 0s" for something still ahead would read as "now".
  return until <= now ? "now" : `in ${formatDuration(Math.max(1000, Math.ceil((until - now) / 1000) * 1000))}`
}

/** An ISO 8601 UTC timestamp, or `null`, for JSON output. */
export function isoOrNull(at: number | undefined | null): string | null {
  return typeof at === "number" && Number.isFinite(at) ? new Date(at).toISOString() : null
}

/** `1 account`, `3 accounts`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}
