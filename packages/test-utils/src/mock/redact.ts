const SECRET_HEADERS = new Set(["x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"])
const SECRET_BODY_FIELDS = new Set([
  "assertion",
  "access_token",
  "refresh_token",
  "client_secret",
  "client_assertion",
])

/** Keeps only the last 4 characters of a secret (`…abcd`); short values are hidden whole. */
export function redactValue(value: string): string {
  if (value.length <= 8) return "…"
  return `…${value.slice(-4)}`
}

/** Redacts a credential header value; a `Bearer` scheme is kept so the log still says which kind it was. */
export function redactHeaderValue(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value
  const m = /^(Bearer|Basic)\s+(.*)$/i.exec(value)
  return m ? `${m[1]} ${redactValue(m[2]!)}` : redactValue(value)
}

/** A copy of the headers with every credential header redacted. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) out[k] = redactHeaderValue(k, v)
  return out
}

/** A copy of a parsed JSON body with secret fields (assertions, tokens) redacted, at the top level. */
export function redactBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) {
    out[k] = SECRET_BODY_FIELDS.has(k) && typeof v === "string" ? redactValue(v) : v
  }
  return out
}
