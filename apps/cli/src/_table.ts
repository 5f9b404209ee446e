import { displayWidth, truncate } from "./_style.ts"

/** One column of a table: its heading, alignment, and whether it may be cut to fit the terminal. */
export interface Column {
  header: string
  align?: "left" | "right"
  /** Cut this column (with `…`) before the others when the table is wider than the terminal. */
  shrink?: boolean
  /** Never cut below this many columns. */
  min?: number
}

const GAP = 2

/**
 * Renders rows as an aligned table that fits `width` columns: the shrinkable columns give up width first, widest
 * first, each down to its minimum. Cells may hold ANSI color only in columns that never shrink.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: { width: number; header?: (text: string) => string },
): string[] {
  const widths = columns.map((column, i) =>
    Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[i] ?? ""))),
  )
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (columns.length - 1)
  let excess = total() - options.width
  while (excess > 0) {
    let widest = -1
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!
      const floor = column.min ?? Math.min(8, displayWidth(column.header))
      if (!column.shrink || widths[i]! <= floor) continue
      if (widest === -1 || widths[i]! > widths[widest]!) widest = i
    }
    if (widest === -1) break
    const floor = columns[widest]!.min ?? Math.min(8, displayWidth(columns[widest]!.header))
    const cut = Math.min(excess, widths[widest]! - floor, Math.max(1, Math.ceil(excess / 2)))
    widths[widest]! -= cut
    excess -= cut
  }
  const line = (cells: readonly string[], style?: (text: string) => string) =>
    cells
      .map((cell, i) => {
        const column = columns[i]!
        const width = widths[i]!
        const text = displayWidth(cell) > width ? truncate(cell, width) : cell
        const pad = " ".repeat(Math.max(0, width - displayWidth(text)))
        const padded = column.align === "right" ? pad + text : i === cells.length - 1 ? text : text + pad
        return style ? style(padded) : padded
      })
      .join(" ".repeat(GAP))
      .trimEnd()
  return [
    line(
      columns.map((c) => c.header),
      options.header,
    ),
    ...rows.map((row) => line(row)),
  ]
}
