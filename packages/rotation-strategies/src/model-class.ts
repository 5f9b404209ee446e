import { ROTATION_ERROR_CODES, RotationError } from "./rotation-error.ts"

/**
 * Model id → model class (the rate-limit bucket it draws on), as data. Keys are lower-case model ids or aliases
 * without a date suffix; dated ids (`claude-haiku-4-5-20251001`) find their alias. Extend or override it with
 * {@link extendModelClasses}.
 *
 * @see reference/anthropic-api.md §3 "How limits are scoped" (separate buckets per model class)
 */
export const DEFAULT_MODEL_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  "claude-fable-5-1": "fable-5.x",
  "claude-fable-5": "fable-5.x",
  "claude-mythos-5-1": "mythos-5.x",
  "claude-mythos-5": "mythos-5.x",
  "claude-opus-5-5": "opus-5.5",
  "claude-opus-5": "opus-5",
  "claude-opus-4-8": "opus-4.x",
  "claude-opus-4-7": "opus-4.x",
  "claude-opus-4-6": "opus-4.x",
  "claude-opus-4-5": "opus-4.x",
  "claude-sonnet-5-5": "sonnet-5.5",
  "claude-sonnet-5": "sonnet-5",
  "claude-sonnet-4-6": "sonnet-4.x",
  "claude-sonnet-4-5": "sonnet-4.x",
  "claude-haiku-5-5": "haiku-5.5",
  "claude-haiku-4-5": "haiku-4.5",
})

const DATED = /[-@]\d{8}$/

/**
 * The model class of a model id: its entry in `table` (the id as given, lower-cased, then without a
 * `-YYYYMMDD` / `@YYYYMMDD` snapshot date), else its own class `model:<id without date>`, so an unknown model
 * never shares a cooldown with a known one.
 *
 * @see reference/anthropic-api.md §3 "How limits are scoped"
 * @example
 * modelClassOf("claude-sonnet-4-5-20250929") // "sonnet-4.x"
 * modelClassOf("claude-next-1") // "model:claude-next-1"
 */
export function modelClassOf(
  modelId: string,
  table: Readonly<Record<string, string>> = DEFAULT_MODEL_CLASSES,
): string {
  const id = typeof modelId === "string" ? modelId.trim().toLowerCase() : ""
  const exact = Object.hasOwn(table, id) ? table[id] : undefined
  if (exact !== undefined) return exact
  const undated = id.replace(DATED, "")
  const alias = Object.hasOwn(table, undated) ? table[undated] : undefined
  return alias ?? `model:${undated}`
}

/**
 * A model-class table with the user's entries added to (and overriding) the defaults; keys are lower-cased.
 *
 * @throws {RotationError} `ERR_ROTATION_INVALID_OPTIONS` when a class is not a non-empty string without `|`.
 * @example
 * const table = extendModelClasses({ "claude-opus-6": "opus-6" })
 * modelClassOf("claude-opus-6", table) // "opus-6"
 */
export function extendModelClasses(
  entries: Readonly<Record<string, string>>,
  base: Readonly<Record<string, string>> = DEFAULT_MODEL_CLASSES,
): Readonly<Record<string, string>> {
  const table: Record<string, string> = { ...base }
  for (const [id, modelClass] of Object.entries(entries)) {
    if (typeof modelClass !== "string" || modelClass === "" || modelClass.includes("|")) {
      throw new RotationError(
        ROTATION_ERROR_CODES.INVALID_OPTIONS,
        `The model class given for "${id}" must be a non-empty string without "|"; fix that entry of the model-class table.`,
      )
    }
    table[id.trim().toLowerCase()] = modelClass
  }
  return Object.freeze(table)
}

/**
 * The class of fast-mode (`speed: "fast"`) requests to a model class: `fast:<class>`. Fast mode has limits
 * separate from the standard ones, so its 429s must not cool down standard traffic (and the reverse).
 *
 * @see reference/anthropic-api.md §3 "How limits are scoped", "Response headers" (`anthropic-fast-*`)
 * @example
 * fastModeClass(modelClassOf("claude-opus-4-8")) // "fast:opus-4.x"
 */
export function fastModeClass(modelClass: string): string {
  return modelClass.startsWith("fast:") ? modelClass : `fast:${modelClass}`
}
