import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { displayWidth, truncate } from "./_style.ts"
import { type Column, renderTable } from "./_table.ts"

describe("displayWidth and truncate", () => {
  it("counts columns, not code units: escapes take none, wide characters two", () => {
    expect(displayWidth("plain")).toBe(5)
    expect(displayWidth("\u001b[32mready\u001b[39m")).toBe(5)
    expect(displayWidth("—…·")).toBe(3)
    expect(displayWidth("東京")).toBe(4)
    expect(displayWidth("e\u0301")).toBe(1)
  })

  it("cuts to the width with an ellipsis, never beyond it", () => {
    expect(truncate("abcdef", 4)).toBe("abc…")
    expect(truncate("abc", 4)).toBe("abc")
    expect(truncate("東京都", 4)).toBe("東…")
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        (text, width) => {
          expect(displayWidth(truncate(text, width))).toBeLessThanOrEqual(Math.max(width, 0))
        },
      ),
    )
  })
})

describe("renderTable", () => {
  const columns: Column[] = [
    { header: "NAME", shrink: true, min: 4 },
    { header: "KIND" },
    { header: "NOTE", shrink: true, min: 4 },
  ]

  it("aligns columns and right-aligns numbers", () => {
    const lines = renderTable(
      [{ header: "A" }, { header: "N", align: "right" }],
      [
        ["x", "1"],
        ["yy", "100"],
      ],
      {
        width: 80,
      },
    )
    expect(lines).toEqual(["A     N", "x     1", "yy  100"])
  })

  it("fits any terminal wide enough for the fixed columns and the shrinkable minimums", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", "—", "東", " "), maxLength: 40 })
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, fc.constantFrom("api-key", "env"), cell), { maxLength: 6 }),
        fc.integer({ min: 24, max: 120 }),
        (rows, width) => {
          for (const line of renderTable(columns, rows, { width }))
            expect(displayWidth(line)).toBeLessThanOrEqual(width)
        },
      ),
    )
  })

  it("leaves piped output whole (unlimited width)", () => {
    const long = "x".repeat(300)
    expect(renderTable(columns, [[long, "env", long]], { width: Number.POSITIVE_INFINITY })[1]).toContain(
      long,
    )
  })
})
