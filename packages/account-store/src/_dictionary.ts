import * as v from "valibot"
import { expectationOf } from "./_versioned-file.ts"

/**
 * Maps keyed by outside data (account ids, model ids from request bodies, project directories, organization ids
 * from response headers, model globs, token slot refs) are objects without a prototype. On an ordinary object a
 * key such as `__proto__` reaches `Object.prototype` (`map.__proto__ ??= {}` returns it, and what is added next
 * lands on every object of the process), and `constructor` reads as a function; here they are keys like any other.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/**
 * The entry under `key`, never an inherited member, in a `dictionary()` or an ordinary object (a map handed in by
 * a caller). Entries are objects (records, counters, inner maps); what an ordinary object inherits is a function,
 * or `Object.prototype` itself under `__proto__`, so a type test is enough, and cheaper on the hot path than
 * `Object.hasOwn`, which doubled the time of recording one request's usage.
 */
export function getOwn<T extends object>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  const value: unknown = map[key]
  return typeof value === "object" && value !== null && value !== Object.prototype ? (value as T) : undefined
}

/** Sets `map[key]` as an own entry, even when `map` has a prototype and `key` is `__proto__`. */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true })
  else map[key] = value
}

/** The entry under `key` (see `getOwn`), created by `make` when the map does not hold one. */
export function ownOrCreate<T extends object>(map: Record<string, T>, key: string, make: () => T): T {
  const existing = getOwn(map, key)
  if (existing !== undefined) return existing
  const value = make()
  setOwn(map, key, value)
  return value
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/**
 * A deep copy of JSON-shaped data that keeps what `structuredClone` loses: an object without a prototype stays
 * without one (a `dictionary()` copied with `structuredClone` is an ordinary object again).
 */
export function copyData<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map(copyData) as T
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? dictionary() : {}
  for (const key of Object.keys(value)) setOwn(copy, key, copyData((value as Record<string, unknown>)[key]))
  return copy as T
}

type PathItem = v.ObjectPathItem

/**
 * The schema of a map keyed by outside data: what valibot's `record` checks, but every own key is kept (valibot's
 * `record` silently leaves out `__proto__`, `constructor` and `prototype`, so a file holding one would lose that
 * entry when written back) and the result is a `dictionary()`.
 */
export function dictionarySchema<TValue extends v.GenericSchema>(
  value: TValue,
  key: v.GenericSchema<string, string> = v.string(),
) {
  return v.pipe(
    v.custom<Record<string, v.InferInput<TValue>>>(isPlainRecord, "Object"),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value as Record<string, unknown>
      const output = dictionary<v.InferOutput<TValue>>()
      let failed = false
      const report = (issues: readonly v.BaseIssue<unknown>[], item: PathItem) => {
        failed = true
        for (const issue of issues) {
          addIssue({
            input: issue.input,
            expected: expectationOf(issue),
            received: issue.received,
            message: issue.message,
            path: [item, ...(issue.path ?? [])],
          })
        }
      }
      for (const name of Object.keys(input)) {
        const entry = input[name]
        const keyResult = v.safeParse(key, name)
        if (!keyResult.success) {
          report(keyResult.issues, { type: "object", origin: "key", input, key: name, value: entry })
          continue
        }
        const valueResult = v.safeParse(value, entry)
        if (!valueResult.success) {
          report(valueResult.issues, { type: "object", origin: "value", input, key: name, value: entry })
          continue
        }
        output[name] = valueResult.output
      }
      return failed ? NEVER : output
    }),
  )
}
