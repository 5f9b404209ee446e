// The plugin's settings from its three sources. Precedence, highest first: KEYRELAY_* environment variables, the
// plugin entry's options in opencode.json, keyrelay's config.json (read live by pool-fetch and the toaster, so
// `keyrelay strategy …` takes effect without restarting OpenCode), then the defaults. A bad value never stops
// OpenCode: it is reported as a warning that says what to fix, and the next source's value is used instead.
import { isAbsolute, resolve } from "node:path"
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from "@keyrelay/pool-fetch/strategy-names"

/** The settings of one plugin instance; `undefined` means "not set here, use config.json or the default". */
export interface PluginSettings {
  /** The store directory (`KEYRELAY_HOME`); `undefined`: account-store's default. */
  home: string | undefined
  strategy: StrategyName | undefined
  waitBudgetMs: number | undefined
  maxAttempts: number | undefined
  /** No "which account serves" toasts; warnings and errors still show. */
  quiet: boolean | undefined
  /** Non-error toasts arriving within this window are shown as one. */
  debounceMs: number
  /** The plugin does nothing at all: no sign-in methods, no loader. */
  disabled: boolean
}

/** The default toast coalescing window. */
export const DEFAULT_DEBOUNCE_MS = 1_000

type Kind = "string" | "strategy" | "boolean" | "duration" | "count"

interface OptionSpec {
  readonly key: keyof PluginSettings
  readonly env: string
  readonly kind: Kind
}

/** Every option, its environment variable and its kind; the README's options table mirrors this list. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  { key: "home", env: "KEYRELAY_HOME", kind: "string" },
  { key: "strategy", env: "KEYRELAY_STRATEGY", kind: "strategy" },
  { key: "waitBudgetMs", env: "KEYRELAY_WAIT_BUDGET_MS", kind: "duration" },
  { key: "maxAttempts", env: "KEYRELAY_MAX_ATTEMPTS", kind: "count" },
  { key: "quiet", env: "KEYRELAY_QUIET", kind: "boolean" },
  { key: "debounceMs", env: "KEYRELAY_DEBOUNCE_MS", kind: "duration" },
  { key: "disabled", env: "KEYRELAY_DISABLED", kind: "boolean" },
]

const EXPECTED: Record<Kind, string> = {
  string: "a non-empty string",
  strategy: `one of ${STRATEGY_NAMES.join(", ")}`,
  boolean: "true or false",
  duration: "a whole number of milliseconds, 0 or more",
  count: "a whole number, 1 or more",
}

type Parsed = { ok: true; value: string | number | boolean } | { ok: false }

function parseValue(kind: Kind, raw: unknown, fromEnv: boolean): Parsed {
  let value = raw
  if (fromEnv && typeof raw === "string") {
    const text = raw.trim()
    if (kind === "boolean") {
      if (/^(1|true|yes|on)$/i.test(text)) return { ok: true, value: true }
      if (/^(0|false|no|off)$/i.test(text)) return { ok: true, value: false }
      return { ok: false }
    }
    if (kind === "duration" || kind === "count") value = /^\d+$/.test(text) ? Number(text) : Number.NaN
    else value = text
  }
  switch (kind) {
    case "string":
      return typeof value === "string" && value.trim() !== "" ? { ok: true, value } : { ok: false }
    case "strategy":
      return isStrategyName(value) ? { ok: true, value } : { ok: false }
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : { ok: false }
    case "duration":
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? { ok: true, value: value as number }
        : { ok: false }
    case "count":
      return Number.isSafeInteger(value) && (value as number) >= 1
        ? { ok: true, value: value as number }
        : { ok: false }
  }
}

/** Renders a rejected value for a message: short, and without anything that looks like a key. */
function show(value: unknown): string {
  if (typeof value === "string") {
    if (/sk-ant-/i.test(value)) return "a value that looks like an API key"
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  }
  if (value === null || ["number", "boolean"].includes(typeof value)) return String(value)
  return Array.isArray(value) ? "a list" : `a ${typeof value}`
}

/** The settings and what was wrong with the sources (each a sentence that says what to fix). */
export interface ResolvedSettings {
  settings: PluginSettings
  warnings: string[]
}

/**
 * Resolves the plugin's settings from its opencode.json options and the environment.
 * `directory` anchors a relative `home` (the project directory OpenCode gives the plugin).
 */
export function resolvePluginSettings(
  options: unknown,
  env: Record<string, string | undefined>,
  directory: string,
): ResolvedSettings {
  const warnings: string[] = []
  const given: Record<string, unknown> = {}
  if (options !== undefined && options !== null) {
    if (typeof options === "object" && !Array.isArray(options)) Object.assign(given, options)
    else
      warnings.push(
        `the plugin options in opencode.json must be an object such as { "quiet": true } (got ${show(options)}); ignoring them.`,
      )
  }
  const known = new Set<string>(OPTION_SPECS.map((spec) => spec.key))
  for (const key of Object.keys(given)) {
    if (!known.has(key))
      warnings.push(
        `unknown plugin option "${key}" in opencode.json; known options: ${[...known].join(", ")}. It is ignored.`,
      )
  }

  const values: Partial<Record<keyof PluginSettings, string | number | boolean>> = {}
  for (const spec of OPTION_SPECS) {
    const fromEnv = env[spec.env]
    if (fromEnv !== undefined && fromEnv !== "") {
      const parsed = parseValue(spec.kind, fromEnv, true)
      if (parsed.ok) {
        values[spec.key] = parsed.value
        continue
      }
      warnings.push(`${spec.env} must be ${EXPECTED[spec.kind]} (got ${show(fromEnv)}); it is ignored.`)
    }
    if (spec.key in given && given[spec.key] !== undefined) {
      const parsed = parseValue(spec.kind, given[spec.key], false)
      if (parsed.ok) values[spec.key] = parsed.value
      else
        warnings.push(
          `plugin option "${spec.key}" in opencode.json must be ${EXPECTED[spec.kind]} (got ${show(given[spec.key])}); it is ignored.`,
        )
    }
  }

  const home = values.home as string | undefined
  return {
    settings: {
      home: home === undefined ? undefined : isAbsolute(home) ? home : resolve(directory, home),
      strategy: values.strategy as StrategyName | undefined,
      waitBudgetMs: values.waitBudgetMs as number | undefined,
      maxAttempts: values.maxAttempts as number | undefined,
      quiet: values.quiet as boolean | undefined,
      debounceMs: (values.debounceMs as number | undefined) ?? DEFAULT_DEBOUNCE_MS,
      disabled: (values.disabled as boolean | undefined) ?? false,
    },
    warnings,
  }
}
