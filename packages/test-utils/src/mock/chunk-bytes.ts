import { randomInt } from "./seeded-random.ts"

const isContinuation = (b: number) => (b & 0xc0) === 0x80

/**
 * Cuts bytes into chunks of `minBytes`–`maxBytes` chosen by `random`, wherever they fall: inside lines,
 * inside events, inside multi-byte UTF-8 characters. When the bytes hold a multi-byte character and no
 * cut happened to land inside one, the first one is cut after its lead byte, so every chunked stream
 * tests a client's UTF-8 handling. A client that decodes SSE correctly yields the same events whatever
 * the cut.
 */
export function chunkBytes(
  bytes: Uint8Array,
  random: () => number,
  minBytes: number,
  maxBytes: number,
): Uint8Array[] {
  const cuts: number[] = []
  for (let i = 0; i < bytes.length; ) {
    i += randomInt(random, Math.max(1, minBytes), Math.max(minBytes, maxBytes, 1))
    if (i < bytes.length) cuts.push(i)
  }
  if (!cuts.some((c) => isContinuation(bytes[c]!))) {
    const lead = bytes.findIndex((b, i) => b >= 0xc0 && i + 1 < bytes.length && isContinuation(bytes[i + 1]!))
    if (lead >= 0) {
      cuts.push(lead + 1)
      cuts.sort((a, b) => a - b)
    }
  }
  const out: Uint8Array[] = []
  let from = 0
  for (const c of cuts) {
    if (c > from) out.push(bytes.subarray(from, c))
    from = c
  }
  if (from < bytes.length) out.push(bytes.subarray(from))
  return out
}
