const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

/**
 * A horizontal bar `value / max` of `width` cells: Unicode blocks with eighth-cell precision, or `#` when the
 * terminal cannot draw them. A non-zero value always shows at least a sliver.
 */
export function bar(value: number, max: number, width: number, unicode: boolean): string {
  if (!(max > 0) || !(value > 0) || width <= 0) return ""
  const cells = Math.min(width, (value / max) * width)
  if (!unicode) return "#".repeat(Math.max(1, Math.round(cells)))
  const eighths = Math.max(1, Math.round(cells * 8))
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}
