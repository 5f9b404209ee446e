/** Partial options: any field may be left out or `undefined` (then the default applies). */
export type OptionsOf<T> = { readonly [K in keyof T]?: T[K] | undefined }

/** Drops keys whose value is `undefined`, so partial options never override a default with nothing. */
export function definedOnly<T extends object>(options: OptionsOf<T>): Partial<T> {
  const out: Partial<T> = {}
  if (typeof options !== "object" || options === null) return out
  for (const key of Object.keys(options) as (keyof T)[]) {
    const value = options[key]
    if (value !== undefined) out[key] = value as T[keyof T]
  }
  return out
}
