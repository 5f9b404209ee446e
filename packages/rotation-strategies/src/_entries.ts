/** Values by string key, as a `Map` or a plain record (what account-store persists). */
export type KeyedMap<T> = ReadonlyMap<string, T> | Readonly<Record<string, T | undefined>>

/** Reads one key; `undefined` when absent. */
export function getEntry<T>(map: KeyedMap<T> | undefined, key: string): T | undefined {
  if (map === undefined || map === null) return undefined
  if (map instanceof Map) return map.get(key)
  // One lookup; inherited members (`constructor`…) are functions, never records, so they read as absent.
  const value = (map as Readonly<Record<string, unknown>>)[key]
  return typeof value === "object" && value !== null ? (value as T) : undefined
}

/** Calls `fn` for every present entry, without building an array of entries. */
export function forEachEntry<T>(map: KeyedMap<T> | undefined, fn: (key: string, value: T) => void): void {
  if (map === undefined || map === null) return
  if (map instanceof Map) {
    map.forEach((value, key) => {
      if (value) fn(key, value)
    })
    return
  }
  const record = map as Readonly<Record<string, T | undefined>>
  // `Object.keys`, not `for…in` + `Object.hasOwn`: a record of more than a dozen keys is a hash table to V8, and
  // `for…in` then checks every key again on each step; one array of own keys is a third of the cost.
  const keys = Object.keys(record)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = record[key]
    if (typeof value === "object" && value !== null) fn(key, value)
  }
}
