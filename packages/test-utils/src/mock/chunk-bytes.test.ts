import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { chunkBytes } from "./chunk-bytes.ts"
import { seededRandom } from "./seeded-random.ts"

describe("chunkBytes", () => {
  it("cuts every byte sequence into pieces that concatenate back to it, within the size bounds", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer(),
        fc.integer({ min: 1, max: 50 }),
        (bytes, seed, max) => {
          const chunks = chunkBytes(bytes, seededRandom(seed), 1, max)
          expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true)
          for (const c of chunks) expect(c.length).toBeLessThanOrEqual(max)
          for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(1)
        },
      ),
    )
  })

  it("cuts inside a multi-byte UTF-8 character whenever the bytes hold one", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
        fc.integer(),
        (text, seed) => {
          const bytes = Buffer.from(`data: ${text}\n\n`)
          const chunks = chunkBytes(bytes, seededRandom(seed), 1, 200)
          expect(Buffer.concat(chunks).equals(bytes)).toBe(true)
          const multiByte = bytes.some((b) => b >= 0xc0)
          const cutInside = chunks.slice(1).some((c) => (c[0]! & 0xc0) === 0x80)
          expect(cutInside).toBe(multiByte)
        },
      ),
    )
  })

  it("is deterministic for a seed", () => {
    const bytes = new Uint8Array(500).fill(7)
    const sizes = (seed: number) => chunkBytes(bytes, seededRandom(seed), 1, 40).map((c) => c.length)
    expect(sizes(42)).toEqual(sizes(42))
    expect(sizes(42)).not.toEqual(sizes(43))
  })
})
