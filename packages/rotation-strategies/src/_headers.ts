/**
 * Response headers as any caller has them: a Web `Headers` (or anything with `get`), or a plain record
 * such as Node's `IncomingHttpHeaders`, with names in any case.
 */
export type HeadersInput =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | number | null | undefined>>

/** Reads one header by lower-case name; `undefined` when absent, never throws. */
export type HeaderReader = (name: string) => string | undefined

const NONE: HeaderReader = () => undefined

/** Builds a reader over `headers` that tolerates every shape and never throws. */
export function headerReader(headers: HeadersInput | undefined | null): HeaderReader {
  if (headers === undefined || headers === null || typeof headers !== "object") return NONE
  const get = (headers as { get?: unknown }).get
  if (typeof get === "function") {
    return (name) => {
      try {
        const value = (get as (n: string) => unknown).call(headers, name)
        return typeof value === "string" ? value : undefined
      } catch {
        return undefined
      }
    }
  }
  const record = headers as Readonly<Record<string, unknown>>
  let lower: Map<string, unknown> | undefined
  for (const key of Object.keys(record)) {
    if (key !== key.toLowerCase()) {
      lower = new Map()
      for (const k of Object.keys(record)) lower.set(k.toLowerCase(), record[k])
      break
    }
  }
  return (name) => {
    const value = lower ? lower.get(name) : record[name]
    if (typeof value === "string") return value
    if (typeof value === "number" && Number.isFinite(value)) return String(value)
    if (Array.isArray(value) && typeof value[0] === "string") return value[0]
    return undefined
  }
}
