import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseRetryAfter, parseRfc3339 } from "./parse-retry-after.ts"

const NOW = Date.UTC(2026, 9, 8, 12)

describe("parseRetryAfter", () => {
  it.each([
    [{ "retry-after": "30" }, 30_000],
    [{ "retry-after": " 1.5 " }, 1500],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "30" }, 250],
    [{ "retry-after-ms": "soon", "retry-after": "2" }, 2000],
    [{ "retry-after": "Thu, 08 Oct 2026 12:00:45 GMT" }, 45_000],
    [{ "retry-after": "Thursday, 08-Oct-26 12:00:45 GMT" }, 45_000],
    [{ "retry-after": "Thu Oct  8 12:00:45 2026" }, 45_000],
    [{ "retry-after": "Thu, 08 Oct 2026 11:00:00 GMT" }, 0],
    [{ "retry-after": "-5" }, undefined],
    [{ "retry-after": "5s" }, undefined],
    [{ "retry-after": "2026-10-08" }, undefined],
    [{ "retry-after": "" }, undefined],
    [{}, undefined],
  ])("%j → %p", (headers, expected) => {
    expect(parseRetryAfter(headers, NOW)).toBe(expected)
  })

  it("reads Web Headers as well as records", () => {
    expect(parseRetryAfter(new Headers({ "Retry-After": "7" }), NOW)).toBe(7000)
    expect(parseRetryAfter({ "Retry-After": ["9", "10"] }, NOW)).toBe(9000)
  })

  it("never throws and never returns a negative or non-finite delay", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const v = parseRetryAfter({ "retry-after": a, "retry-after-ms": b }, NOW)
        if (v !== undefined) {
          expect(v).toBeGreaterThanOrEqual(0)
          expect(Number.isFinite(v)).toBe(true)
        }
      }),
    )
  })
})

describe("parseRfc3339", () => {
  it.each([
    ["2026-10-08T12:00:05Z", NOW + 5000],
    ["2026-10-08T12:00:05.123456789Z", NOW + 5123],
    ["2026-10-08t12:00:05z", NOW + 5000],
    ["2026-10-08 12:00:05Z", NOW + 5000],
    ["2026-10-08T14:00:05+02:00", NOW + 5000],
    ["2026-10-08T12:00:05", undefined],
    ["5", undefined],
    ["tomorrow", undefined],
    [undefined, undefined],
  ])("%p → %p", (value, expected) => {
    expect(parseRfc3339(value)).toBe(expected)
  })
})
