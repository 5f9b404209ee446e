import { os, path } from "./_node-builtins.ts"

const { homedir } = os
const { isAbsolute, join, resolve } = path

/**
 * The store directory: `KEYRELAY_HOME` if set, else `$XDG_CONFIG_HOME/keyrelay`, else `~/.config/keyrelay`.
 *
 * @example
 * ```ts
 * resolveStoreHome() // "/home/me/.config/keyrelay"
 * resolveStoreHome({ KEYRELAY_HOME: "/tmp/kr" }) // "/tmp/kr"
 * ```
 */
export function resolveStoreHome(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.KEYRELAY_HOME
  if (explicit) return resolve(explicit)
  const xdg = env.XDG_CONFIG_HOME
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".config")
  return join(base, "keyrelay")
}
