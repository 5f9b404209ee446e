import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { _timingSafeEqual } from "./_timing-safe-equal.ts"

describe("_timingSafeEqual", () => {
  it("is true exactly when the strings are equal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(_timingSafeEqual(a, b)).toBe(a === b)
        expect(_timingSafeEqual(a, a)).toBe(true)
      }),
    )
  })

  it("tells apart a prefix, an empty string and a one-character change", () => {
    expect(_timingSafeEqual("abc", "abcd")).toBe(false)
    expect(_timingSafeEqual("", "abc")).toBe(false)
    expect(_timingSafeEqual("abc", "")).toBe(false)
    expect(_timingSafeEqual("", "")).toBe(true)
    expect(_timingSafeEqual("abd", "abc")).toBe(false)
  })
})
