import { describe, expect, it } from "vitest"
import { parseDay } from "./_since.ts"
import { isCliError } from "./cli-error.ts"

const NOW = Date.parse("2026-03-10T15:00:00Z")

describe("parseDay", () => {
  it("reads dates, words and spans back from today (inclusive)", () => {
    expect(parseDay("2026-01-31", NOW, "--since")).toBe("2026-01-31")
    expect(parseDay("today", NOW, "--since")).toBe("2026-03-10")
    expect(parseDay("yesterday", NOW, "--since")).toBe("2026-03-09")
    expect(parseDay("1d", NOW, "--since")).toBe("2026-03-10")
    expect(parseDay("7d", NOW, "--since")).toBe("2026-03-04")
    expect(parseDay("2w", NOW, "--since")).toBe("2026-02-25")
    expect(parseDay("1m", NOW, "--since")).toBe("2026-02-11")
  })

  it("refuses what is not a day, with a usage error", () => {
    for (const text of ["2026-02-30", "last week", "0d", "7", "2026-3-1"]) {
      let error: unknown
      try {
        parseDay(text, NOW, "--since")
      } catch (e) {
        error = e
      }
      expect(isCliError(error) && error.exitCode === 2, text).toBe(true)
    }
  })
})
