import { existsSync, readdirSync, readFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, isAbsolute, join } from "node:path"
import type { ParseError } from "jsonc-parser"
import { isOpencodeAuthMarker, OPENCODE_PLUGIN_NAME } from "./opencode-marker.ts"

/*
 * Where OpenCode keeps its files (reference/opencode-e2e.md §2): config in `$XDG_CONFIG_HOME/opencode`, then
 * `$OPENCODE_CONFIG`, then the project's `opencode.json[c]` and `.opencode/` from the working directory up to the
 * repository root, then `$OPENCODE_CONFIG_DIR`, then `$OPENCODE_CONFIG_CONTENT`; credentials in
 * `$XDG_DATA_HOME/opencode/auth.json`, replaced entirely by `$OPENCODE_AUTH_CONTENT` when set.
 */

type Env = Record<string, string | undefined>

function xdg(env: Env, name: "XDG_CONFIG_HOME" | "XDG_DATA_HOME", fallback: string): string {
  const value = env[name]
  return value && isAbsolute(value) ? value : join(env.HOME || homedir(), fallback)
}

/** OpenCode's global config directory. */
export function openCodeConfigDir(env: Env): string {
  return join(xdg(env, "XDG_CONFIG_HOME", ".config"), "opencode")
}

/** OpenCode's `auth.json`. */
export function openCodeAuthPath(env: Env): string {
  return join(xdg(env, "XDG_DATA_HOME", join(".local", "share")), "opencode", "auth.json")
}

/** One config source and what it says about the plugin. */
export interface ConfigSource {
  /** A file path, or `$OPENCODE_CONFIG_CONTENT`. */
  source: string
  scope: "global" | "project" | "env"
  exists: boolean
  /** The file did not parse as JSON with comments. */
  unreadable?: string
  /** Lists the plugin by name (`opencode-keyrelay`, `opencode-keyrelay@1.2.3`, or with options). */
  hasPlugin: boolean
}

/** What `doctor` and `opencode status` report about OpenCode. */
export interface OpenCodeStatus {
  configDir: string
  globalConfig: string
  sources: ConfigSource[]
  /** A plugin file auto-discovered from a config dir's `plugin/` or `plugins/` whose name mentions keyrelay. */
  localPluginFiles: string[]
  pluginConfigured: boolean
  auth: {
    path: string
    /** `OPENCODE_AUTH_CONTENT` replaces the file. */
    overriddenByEnv: boolean
    exists: boolean
    unreadable?: string
    /** `missing`: no anthropic entry (the plugin's loader will not run); `marker`: keyrelay's; `api-key`: a real key; `other`: any other type. */
    anthropic: "missing" | "marker" | "api-key" | "other"
    /** The entry's `type` when it is not an API key (`oauth`, `wellknown`). */
    otherType?: string
  }
}

export function pluginEntryMatches(entry: unknown): boolean {
  const name = Array.isArray(entry) ? entry[0] : entry
  if (typeof name !== "string") return false
  if (name === OPENCODE_PLUGIN_NAME || name.startsWith(`${OPENCODE_PLUGIN_NAME}@`)) return true
  // A path or file URL to a local build of the plugin.
  return /(^|[/\\])opencode-keyrelay([/\\@.]|$)/.test(name) || /(^|[/\\])opencode-plugin[/\\]/.test(name)
}

async function parseJsonc(text: string): Promise<{ value: unknown; error?: string }> {
  const { parse, printParseErrorCode } = await import("jsonc-parser")
  const errors: ParseError[] = []
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false })
  if (errors.length > 0) {
    const first = errors[0]!
    return { value, error: `${printParseErrorCode(first.error)} at offset ${first.offset}` }
  }
  return { value }
}

async function readSource(path: string, scope: ConfigSource["scope"]): Promise<ConfigSource> {
  if (!existsSync(path)) return { source: path, scope, exists: false, hasPlugin: false }
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    return {
      source: path,
      scope,
      exists: true,
      unreadable: (error as NodeJS.ErrnoException).code ?? "unreadable",
      hasPlugin: false,
    }
  }
  const { value, error } = await parseJsonc(text)
  const plugins = (value as { plugin?: unknown } | undefined)?.plugin
  return {
    source: path,
    scope,
    exists: true,
    ...(error ? { unreadable: error } : {}),
    hasPlugin: Array.isArray(plugins) && plugins.some(pluginEntryMatches),
  }
}

/** The project directories OpenCode reads config from: the working directory up to the repository root. */
function projectDirs(cwd: string): string[] {
  const dirs: string[] = []
  let dir = cwd
  for (;;) {
    dirs.push(dir)
    if (existsSync(join(dir, ".git"))) break
    const parent = dirname(dir)
    if (parent === dir) return [cwd]
    dir = parent
  }
  return dirs
}

function pluginFiles(dir: string): string[] {
  const found: string[] = []
  for (const sub of ["plugin", "plugins"]) {
    try {
      for (const name of readdirSync(join(dir, sub))) {
        if (/keyrelay/i.test(name) && /\.(ts|js)$/.test(name)) found.push(join(dir, sub, name))
      }
    } catch {}
  }
  return found
}

/** The global config file to edit: an existing `opencode.jsonc`, else `opencode.json` (created if absent). */
export function globalConfigFile(env: Env): string {
  const dir = openCodeConfigDir(env)
  const jsonc = join(dir, "opencode.jsonc")
  return existsSync(jsonc) || !existsSync(join(dir, "opencode.json")) ? jsonc : join(dir, "opencode.json")
}

/** Reads OpenCode's config and auth files (never writes) and says whether keyrelay is set up. */
export async function openCodeStatus(env: Env, cwd: string): Promise<OpenCodeStatus> {
  const configDir = openCodeConfigDir(env)
  const sources: ConfigSource[] = []
  for (const name of ["opencode.jsonc", "opencode.json"])
    sources.push(await readSource(join(configDir, name), "global"))
  if (env.OPENCODE_CONFIG) sources.push(await readSource(env.OPENCODE_CONFIG, "env"))
  const configDirs = [configDir]
  for (const dir of projectDirs(cwd).reverse()) {
    for (const name of ["opencode.jsonc", "opencode.json"])
      sources.push(await readSource(join(dir, name), "project"))
    for (const name of ["opencode.jsonc", "opencode.json"]) {
      sources.push(await readSource(join(dir, ".opencode", name), "project"))
    }
    configDirs.push(join(dir, ".opencode"))
  }
  if (env.OPENCODE_CONFIG_DIR) {
    configDirs.push(env.OPENCODE_CONFIG_DIR)
    for (const name of ["opencode.jsonc", "opencode.json"]) {
      sources.push(await readSource(join(env.OPENCODE_CONFIG_DIR, name), "env"))
    }
  }
  if (env.OPENCODE_CONFIG_CONTENT) {
    const { value, error } = await parseJsonc(env.OPENCODE_CONFIG_CONTENT)
    const plugins = (value as { plugin?: unknown } | undefined)?.plugin
    sources.push({
      source: "$OPENCODE_CONFIG_CONTENT",
      scope: "env",
      exists: true,
      ...(error ? { unreadable: error } : {}),
      hasPlugin: Array.isArray(plugins) && plugins.some(pluginEntryMatches),
    })
  }
  const localPluginFiles = configDirs.flatMap(pluginFiles)
  const present = sources.filter((s) => s.exists)
  const path = openCodeAuthPath(env)
  return {
    configDir,
    globalConfig: globalConfigFile(env),
    sources: present,
    localPluginFiles,
    pluginConfigured: present.some((s) => s.hasPlugin) || localPluginFiles.length > 0,
    auth: await authStatus(path, env.OPENCODE_AUTH_CONTENT),
  }
}

async function authStatus(path: string, override: string | undefined): Promise<OpenCodeStatus["auth"]> {
  const exists = existsSync(path)
  const base = { path, overriddenByEnv: Boolean(override), exists }
  let text: string | undefined = override
  if (!override) {
    if (!exists) return { ...base, anthropic: "missing" }
    try {
      text = readFileSync(path, "utf8")
    } catch (error) {
      return {
        ...base,
        anthropic: "missing",
        unreadable: (error as NodeJS.ErrnoException).code ?? "unreadable",
      }
    }
  }
  let data: unknown
  try {
    data = JSON.parse(text ?? "")
  } catch {
    return { ...base, anthropic: "missing", unreadable: "not JSON" }
  }
  const entry = (data as Record<string, unknown> | null)?.anthropic as
    | { type?: unknown; key?: unknown }
    | undefined
  if (!entry || typeof entry !== "object") return { ...base, anthropic: "missing" }
  if (isOpencodeAuthMarker(entry)) return { ...base, anthropic: "marker" }
  if (entry.type === "api" && typeof entry.key === "string" && entry.key !== "")
    return { ...base, anthropic: "api-key" }
  return { ...base, anthropic: "other", otherType: typeof entry.type === "string" ? entry.type : "unknown" }
}
