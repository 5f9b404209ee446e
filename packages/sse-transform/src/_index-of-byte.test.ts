import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { byteSearch, indexOfByte, nativeIndexOf } from "./_index-of-byte.ts"

function naive(bytes: Uint8Array, byte: number, from: number): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === byte) return i
  return -1
}

// A Buffer whose indexOf only works on its own instances, as a polyfill's might.
class PickyBuffer extends Uint8Array {
  override indexOf(value: number, from?: number): number {
    if (!(this instanceof PickyBuffer)) throw new TypeError("not a PickyBuffer")
    return super.indexOf(value, from)
  }
}

// The runtime's choice, and every candidate (the one without Buffer is what browsers get).
const searches = {
  runtime: indexOfByte,
  buffer: byteSearch((globalThis as { Buffer?: unknown }).Buffer),
  uint8array: byteSearch(undefined),
  "picky buffer": byteSearch(PickyBuffer),
}

describe("indexOfByte", () => {
  it("searches with Buffer#indexOf where there is a Buffer (Node, Bun), else with Uint8Array#indexOf", () => {
    const { Buffer } = globalThis as unknown as { Buffer: { prototype: { indexOf: unknown } } }
    expect(nativeIndexOf(Buffer)).toBe(Buffer.prototype.indexOf)
    expect(nativeIndexOf(undefined)).toBe(Uint8Array.prototype.indexOf)
    expect(nativeIndexOf(PickyBuffer)).toBe(Uint8Array.prototype.indexOf)
    expect(nativeIndexOf({ prototype: { indexOf: () => 0 } })).toBe(Uint8Array.prototype.indexOf)
  })

  for (const [name, search] of Object.entries(searches)) {
    it(`(${name}) finds what a byte-by-byte search finds, in views at any offset of their buffer`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.nat(),
          fc.nat(),
          fc.constantFrom(10, 13, 0, 255),
          fc.nat(),
          (whole, a, b, byte, from) => {
            const start = a % (whole.length + 1)
            const end = start + (b % (whole.length - start + 1))
            const view = whole.subarray(start, end)
            const at = from % (view.length + 2)
            expect(search(view, byte, at)).toBe(naive(view, byte, at))
          },
        ),
        { numRuns: 1000 },
      )
    })

    it(`(${name}) finds a byte far into a long run, and reports -1 past the end`, () => {
      const bytes = new Uint8Array(100_000).fill(97)
      bytes[99_999] = 10
      expect(search(bytes, 10, 0)).toBe(99_999)
      expect(search(bytes, 10, 99_999)).toBe(99_999)
      expect(search(bytes, 10, 100_000)).toBe(-1)
      expect(search(bytes, 13, 0)).toBe(-1)
    })
  }
})
