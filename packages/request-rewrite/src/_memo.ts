// A bounded cache for the pure answers buildOutgoingRequest gives on every request for the same few inputs (an
// account's base URL, the host's request URL, its user-agent): a parse of a URL costs microseconds, a map lookup
// nanoseconds. Only successes are kept, so an error is thrown afresh each time. Full means cleared, not evicted one
// by one: a host sends a handful of distinct values, and a flood of distinct ones must not grow memory.

export interface Memo<V> {
  get(key: string): V | undefined
  set(key: string, value: V): V
}

export function createMemo<V>(limit: number): Memo<V> {
  const entries = new Map<string, V>()
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      if (entries.size >= limit) entries.clear()
      entries.set(key, value)
      return value
    },
  }
}
