import { type HeadersInput, headerReader } from "./_headers.ts"

const DECIMAL = /^\s*(\d+(?:\.\d+)?)\s*$/
// IMF-fixdate and the two obsolete HTTP-date forms (RFC 850, asctime) start with a day name and hold a clock time.
const HTTP_DATE = /^[A-Za-z]{3,9},? .*\d{1,2}:\d{2}:\d{2}/
// asctime carries no zone; HTTP dates are always GMT, and Date.parse would otherwise read local time.
const HAS_ZONE = /\b(GMT|UTC|Z)\b|[+-]\d{4}\b/

/**
 * How long the response asks the client to wait, in milliseconds from `now`: `retry-after-ms` first, then
 * `retry-after` as delay-seconds or an HTTP-date (as the official SDKs read them). A date in the past gives 0;
 * a missing or garbled value gives `undefined`. Never throws.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 * @see reference/anthropic-api.md §2 "How the SDKs retry"
 * @example
 * parseRetryAfter({ "retry-after": "30" }, Date.now()) // 30000
 */
export function parseRetryAfter(headers: HeadersInput | undefined, now: number): number | undefined {
  const read = headerReader(headers)
  const ms = DECIMAL.exec(read("retry-after-ms") ?? "")
  if (ms) {
    const value = Number(ms[1])
    if (Number.isFinite(value)) return value
  }
  const raw = read("retry-after")
  if (raw === undefined) return undefined
  const seconds = DECIMAL.exec(raw)
  if (seconds) {
    const value = Number(seconds[1]) * 1000
    return Number.isFinite(value) ? value : undefined
  }
  const trimmed = raw.trim()
  if (!HTTP_DATE.test(trimmed)) return undefined
  const at = Date.parse(HAS_ZONE.test(trimmed) ? trimmed : `${trimmed} GMT`)
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * Parses an RFC 3339 timestamp (the `anthropic-ratelimit-*-reset` format) to epoch ms; `undefined` when the
 * value is not RFC 3339. Fractions beyond milliseconds are dropped so every engine parses the same way.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function parseRfc3339(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const m = RFC3339.exec(value.trim())
  if (!m) return undefined
  const fraction = m[3] ? m[3].slice(0, 4).padEnd(4, "0") : ""
  const zone = m[4] === "z" || m[4] === "Z" ? "Z" : m[4]
  const at = Date.parse(`${m[1]}T${m[2]}${fraction}${zone}`)
  return Number.isFinite(at) ? at : undefined
}
