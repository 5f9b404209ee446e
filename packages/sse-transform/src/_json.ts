/** Marks a value that could not be parsed, distinct from every JSON value. */
export const UNPARSABLE: unique symbol = Symbol("unparsable")

/** JSON.parse that returns UNPARSABLE instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return UNPARSABLE
  }
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** `value` when it is a string, else null. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null
}
