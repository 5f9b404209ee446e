import { describe, expect, it } from "vitest"
import { bar } from "./_bars.ts"
import { formatAgo, formatCount, formatDuration, formatIn, formatUsd, groupThousands } from "./_format.ts"
import { wantsColor, wantsUnicode } from "./_style.ts"

describe("formatting", () => {
  it("money from micro-USD, counts, durations", () => {
    expect([formatUsd(0), formatUsd(8100), formatUsd(12_345_678), formatUsd(1_234_000_000)]).toEqual([
      "$0",
      "$0.0081",
      "$12.35",
      "$1,234",
    ])
    expect([formatCount(950), formatCount(12_340), formatCount(4_500_000)]).toEqual(["950", "12.3k", "4.5M"])
    expect([
      formatDuration(45_000),
      formatDuration(200_000),
      formatDuration(7_500_000),
      formatDuration(3 * 86_400_000 + 4 * 3_600_000),
    ]).toEqual(["45s", "3m 20s", "2h 5m", "3d 4h"])
    expect(formatAgo(undefined, 0)).toBe("never")
    expect(formatAgo(0, 300_000)).toBe("5m ago")
    expect(formatIn(10_000, 0)).toBe("in 10s")
    expect(formatIn(0, 10)).toBe("now")
  })

  it("bars scale to the width, in eighths, or in ASCII", () => {
    expect(bar(1, 1, 8, true)).toBe("████████")
    expect(bar(1, 2, 8, true)).toBe("████")
    expect(bar(1, 16, 1, true)).toBe("▏")
    expect(bar(1, 1000, 8, true)).toBe("▏")
    expect(bar(0, 10, 8, true)).toBe("")
    expect(bar(5, 10, 8, false)).toBe("####")
  })

  it("colors and Unicode follow the environment", () => {
    expect(wantsColor({ isTTY: true }, {}, false)).toBe(true)
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "1" }, false)).toBe(false)
    expect(wantsColor({ isTTY: true }, {}, true)).toBe(false)
    expect(wantsColor({ isTTY: false }, {}, false)).toBe(false)
    expect(wantsColor({ isTTY: false }, { FORCE_COLOR: "1" }, false)).toBe(true)
    expect(wantsColor({ isTTY: true }, { TERM: "dumb" }, false)).toBe(false)
    expect(wantsUnicode({ LANG: "en_US.UTF-8" })).toBe(true)
    expect(wantsUnicode({ LANG: "C" })).toBe(false)
    expect(wantsUnicode({ TERM: "linux", LANG: "en_US.UTF-8" })).toBe(false)
  })
})

describe("groupThousands", () => {
  it("groups like en-US toLocaleString, without loading Intl", () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567_890, -4_500]) {
      expect(groupThousands(n)).toBe(n.toLocaleString("en-US"))
    }
  })
})
