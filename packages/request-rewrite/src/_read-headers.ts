// Reads `init.headers` in any form fetch accepts: a Headers (from any runtime or realm), an array of pairs, or a
// plain object (OpenCode passes one; values may be arrays in Node's typings). Names are lowercased; repeated
// names are joined with ", " as fetch does; undefined and null values are dropped.

type HeadersLike = { forEach(callback: (value: string, name: string) => void): void }

export function readHeaders(headers: unknown): Map<string, string> {
  const out = new Map<string, string>()
  const add = (name: unknown, value: unknown) => {
    if (value === undefined || value === null) return
    const key = String(name).toLowerCase()
    const text = Array.isArray(value) ? value.map(String).join(", ") : String(value)
    const previous = out.get(key)
    out.set(key, previous === undefined ? text : `${previous}, ${text}`)
  }
  if (headers === undefined || headers === null) return out
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (Array.isArray(pair)) add(pair[0], pair[1])
    }
  } else if (isHeadersLike(headers)) {
    headers.forEach((value, name) => {
      add(name, value)
    })
  } else if (typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) add(name, value)
  }
  return out
}

function isHeadersLike(value: unknown): value is HeadersLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as HeadersLike).forEach === "function" &&
    typeof (value as { get?: unknown }).get === "function"
  )
}
