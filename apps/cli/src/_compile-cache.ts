/** What this needs of `node:module`: `enableCompileCache` exists from Node 22.1 and is absent on Node 20. */
export interface CompileCacheHost {
  enableCompileCache?: ((cacheDir?: string) => unknown) | undefined
}

/**
 * Asks Node to keep the code it compiles for keyrelay between runs, where it can (Node ≥ 22.1): compiling the CLI and
 * the store is a large part of a command's start, and every run after the first skips it. The cache lives in the
 * user's own `$XDG_CACHE_HOME/keyrelay/compile-cache` (default `~/.cache/…`), not in Node's default, the shared temp
 * directory, where another local user could plant code for a tool that handles credentials. Does nothing on Node 20;
 * Node itself honours `NODE_DISABLE_COMPILE_CACHE`. Returns the directory asked for, if any.
 */
export function enableCompileCache(
  env: Record<string, string | undefined> = process.env,
  host: CompileCacheHost = process.getBuiltinModule("node:module") as CompileCacheHost,
): string | undefined {
  if (typeof host.enableCompileCache !== "function") return undefined
  const { homedir } = process.getBuiltinModule("node:os")
  const { isAbsolute, join } = process.getBuiltinModule("node:path")
  const xdg = env.XDG_CACHE_HOME
  // As for XDG_CONFIG_HOME, a relative XDG_CACHE_HOME is invalid and ignored.
  const dir = join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "keyrelay", "compile-cache")
  try {
    host.enableCompileCache(dir)
  } catch {
    // A cache is an optimisation: no command fails for want of one (Node reports most failures as a status anyway).
  }
  return dir
}
