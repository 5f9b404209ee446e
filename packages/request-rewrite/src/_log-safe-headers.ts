// The outgoing headers are an object whose own properties are exactly the headers, so fetch reads it like any
// plain object (in every runtime: Node's undici even rejects an object with a symbol-keyed own property). The
// hooks that make it print the credential as "[redacted]" — toJSON for JSON.stringify, and the
// nodejs.util.inspect.custom symbol that util.inspect and console.log honour in Node and Bun — live on its
// prototype, out of fetch's sight.

import { CREDENTIAL_HEADERS } from "./credential.ts"

const REDACTED = "[redacted]"
const SECRET = new Set(CREDENTIAL_HEADERS)

function redacted(this: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = {}
  for (const [name, value] of Object.entries(this)) define(copy, name, SECRET.has(name) ? REDACTED : value)
  return copy
}

const LOG_SAFE = Object.create(Object.prototype, {
  toJSON: { value: redacted },
  [Symbol.for("nodejs.util.inspect.custom")]: { value: redacted },
}) as object

/** A headers object for fetch that never prints a credential header's value when logged. */
export function logSafeHeaders(entries: Iterable<[string, string]>): Record<string, string> {
  const headers = Object.create(LOG_SAFE) as Record<string, string>
  for (const [name, value] of entries) {
    if (name in headers) define(headers, name, value)
    else headers[name] = value
  }
  return headers
}

// defineProperty rather than assignment for a name the prototype chain already has, so that a header named
// "__proto__" or "toJSON" stays a header (assignment would set the prototype, or fail on the read-only hook).
function define(target: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}
