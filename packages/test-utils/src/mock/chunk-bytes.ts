import { randomInt } from "./seeded-random.ts"

/**
 * Cuts bytes into chunks of `minBytes`–`maxBytes` chosen by `random`, wherever they fall: inside lines,
 * inside events, inside multi-byte UTF-8 characters. A client that parses SSE correctly yields the same
 * events whatever the cut.
 */
export function chunkBytes(
  bytes: Uint8Array,
  random: () => number,
  minBytes: number,
  maxBytes: number,
): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < bytes.length; ) {
    const n = randomInt(random, Math.max(1, minBytes), Math.max(minBytes, maxBytes, 1))
    out.push(bytes.subarray(i, i + n))
    i += n
  }
  return out
}
