// Where a byte next occurs, by the fastest native search the runtime has. Node's Buffer#indexOf is memchr;
// V8's Uint8Array#indexOf (Node 20 to 24) is a byte-by-byte loop, ten times slower on a long line and slower
// than a JavaScript loop once a search for CR is added. Bun's and browsers' Uint8Array#indexOf is memchr
// already. Buffer#indexOf takes any Uint8Array (Node checks for an ArrayBufferView), and a Buffer polyfill
// hands a number search to Uint8Array#indexOf, so every choice gives the same answer.

/** Finds the first `byte` in `bytes` at or after `from` (a non-negative integer); -1 when there is none. */
export type ByteSearch = (bytes: Uint8Array, byte: number, from: number) => number

type IndexOf = (this: Uint8Array, value: number, from: number) => number

/** The search to use where `Buffer` is the global Buffer constructor (undefined outside Node and Bun). */
export function byteSearch(Buffer: unknown): ByteSearch {
  const bufferIndexOf = (Buffer as { prototype?: { indexOf?: unknown } } | undefined)?.prototype?.indexOf
  const indexOf = (
    typeof bufferIndexOf === "function" ? bufferIndexOf : Uint8Array.prototype.indexOf
  ) as IndexOf
  return (bytes, byte, from) => indexOf.call(bytes, byte, from)
}

/** See {@link ByteSearch}; chosen once, for this runtime. */
export const indexOfByte: ByteSearch = byteSearch((globalThis as { Buffer?: unknown }).Buffer)
