/** Drops keys whose value is `undefined`, so partial options never override a default with nothing. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {}
  if (typeof options !== "object" || options === null) return out
  for (const key of Object.keys(options) as (keyof T)[]) {
    if (options[key] !== undefined) out[key] = options[key]
  }
  return out
}
