import { isAbsolute, resolve } from "node:path"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"

/** A plugin to load: the path of a module, or the path with the options OpenCode passes as its second argument. */
export type OpencodePluginEntry = string | { path: string; options?: Record<string, unknown> }

/** Options of {@link buildOpencodeConfig}. */
export interface BuildOpencodeConfigOptions {
  /** Base URL of the Anthropic API as OpenCode should see it, ending in `/v1`. */
  baseURL: string
  /** `provider/model`, e.g. `anthropic/claude-sonnet-4-5`. */
  model: string
  /** Plugins to load by path; relative paths are resolved against the current directory. */
  plugins?: readonly OpencodePluginEntry[]
  /** Extra configuration merged over the generated one (objects merged key by key; arrays and values replaced). */
  config?: Record<string, unknown>
}

/**
 * Builds the project `opencode.json` for a harness run: provider `anthropic` pointed at `baseURL`, the model,
 * the plugins as absolute paths (`[path, options]` when options are given, which OpenCode 1.18.33 passes to
 * the plugin function as its second argument), autoupdate and sharing off, then `config` merged over it.
 *
 * @throws {TestUtilsError} `ERR_OPENCODE_INVALID_OPTIONS` when a plugin entry has no path.
 */
export function buildOpencodeConfig(options: BuildOpencodeConfigOptions): Record<string, unknown> {
  const plugin = (options.plugins ?? []).map(pluginSpec)
  const base: Record<string, unknown> = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    model: options.model,
    ...(plugin.length > 0 ? { plugin } : {}),
    provider: { anthropic: { options: { baseURL: options.baseURL } } },
  }
  return options.config ? mergeConfig(base, options.config) : base
}

function pluginSpec(entry: OpencodePluginEntry): string | [string, Record<string, unknown>] {
  const path = typeof entry === "string" ? entry : entry?.path
  if (typeof path !== "string" || path.length === 0) {
    throw new TestUtilsError(
      TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS,
      "a plugin entry has no path; pass the path of a plugin module, or { path, options }",
    )
  }
  // OpenCode resolves relative plugin paths against the config file, which lives in the sandbox.
  const absolute = path.startsWith("file://") || isAbsolute(path) ? path : resolve(path)
  return typeof entry === "object" && entry.options !== undefined ? [absolute, entry.options] : absolute
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Merges `extra` over `base` without changing either: plain objects key by key, anything else replaced. */
export function mergeConfig(
  base: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue
    const current = out[key]
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value
  }
  return out
}
