// Where a byte next occurs, by the fastest native search the runtime has. Node's Buffer#indexOf is memchr (30
// GB/s and more over a long run, about 25 ns a call). V8's Uint8Array#indexOf, in Node 20, is a byte loop (2 to
// 3 GB/s, about 35 ns a call): with it, and a search for CR added, the framer was slower than the JavaScript
// loop it replaced. Bun's and browsers' Uint8Array#indexOf is memchr already. Node's and Bun's Buffer#indexOf
// take any Uint8Array as `this`; a Buffer that does not (some polyfill) fails the probe below and is not used.

/** Finds the first `byte` in `bytes` at or after `from` (a non-negative integer); -1 when there is none. */
export type ByteSearch = (bytes: Uint8Array, byte: number, from: number) => number

/** An `indexOf` method called with a Uint8Array as `this`. */
export type IndexOf = (this: Uint8Array, value: number, from: number) => number

const PROBE = new Uint8Array([13, 10, 0, 10, 13])

/**
 * The method to search with where `Buffer` is the global Buffer constructor (undefined outside Node and Bun):
 * Buffer#indexOf when it works on any Uint8Array, else Uint8Array#indexOf.
 */
export function nativeIndexOf(Buffer: unknown): IndexOf {
  const bufferIndexOf = (Buffer as { prototype?: { indexOf?: unknown } } | undefined)?.prototype?.indexOf
  return (worksOnUint8Array(bufferIndexOf) ? bufferIndexOf : Uint8Array.prototype.indexOf) as IndexOf
}

/** A {@link ByteSearch} by `nativeIndexOf(Buffer)`. */
export function byteSearch(Buffer: unknown): ByteSearch {
  const indexOf = nativeIndexOf(Buffer)
  return (bytes, byte, from) => indexOf.call(bytes, byte, from)
}

function worksOnUint8Array(indexOf: unknown): boolean {
  if (typeof indexOf !== "function") return false
  try {
    const search = indexOf as IndexOf
    return (
      search.call(PROBE, 10, 0) === 1 &&
      search.call(PROBE, 10, 2) === 3 &&
      search.call(PROBE, 13, 1) === 4 &&
      search.call(PROBE.subarray(1), 13, 0) === 3 &&
      search.call(PROBE, 10, 4) === -1
    )
  } catch {
    return false
  }
}

/** See {@link ByteSearch}; chosen once, for this runtime. */
export const indexOfByte: ByteSearch = byteSearch((globalThis as { Buffer?: unknown }).Buffer)
