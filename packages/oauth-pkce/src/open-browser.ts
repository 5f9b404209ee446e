import { spawn as nodeSpawn } from "node:child_process"

/** Options of {@link openBrowser}; the defaults are this process's platform, environment and `spawn`. */
export interface OpenBrowserOptions {
  platform?: NodeJS.Platform
  env?: Record<string, string | undefined>
  spawn?: typeof nodeSpawn
}

function opener(platform: NodeJS.Platform, env: Record<string, string | undefined>, url: string) {
  if (platform === "darwin") return { command: "open", args: [url] }
  // rundll32 takes the URL as one argument; `cmd /c start` would parse the & in a query string.
  if (platform === "win32") return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] }
  // Elsewhere a browser needs a display; over SSH there is none, and the caller falls back to a pasted code.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined
  return { command: "xdg-open", args: [url] }
}

/**
 * Opens `url` in the user's browser with the platform's opener (`open`, `rundll32`, `xdg-open`). Never throws:
 * resolves `false` when there is no opener or no display (an SSH session), so the caller shows the URL and offers
 * the pasted-code or device sign-in instead.
 *
 * @example
 * if (!(await openBrowser(signIn.url))) console.log(`Open this address in a browser: ${signIn.url}`)
 * @see RFC 8252 §4.1 (the system browser, never an embedded one)
 */
export async function openBrowser(url: string, options: OpenBrowserOptions = {}): Promise<boolean> {
  try {
    const protocol = new URL(url).protocol
    if (protocol !== "https:" && protocol !== "http:") return false
    const target = opener(options.platform ?? process.platform, options.env ?? process.env, url)
    if (!target) return false
    const spawn = options.spawn ?? nodeSpawn
    return await new Promise<boolean>((resolve) => {
      const child = spawn(target.command, target.args, { stdio: "ignore", detached: true })
      child.once("error", () => resolve(false))
      child.once("spawn", () => {
        child.unref()
        resolve(true)
      })
    })
  } catch {
    return false
  }
}
