import { execFile } from "node:child_process"
import { access, constants } from "node:fs/promises"
import { delimiter, join } from "node:path"
import { promisify } from "node:util"

const execFileAsync = promisify(execFile)

/** The port `runOpencode`'s bridge listens on inside the namespace, where no other program listens. */
export const BRIDGE_PORT = 47_801
const BRIDGE_ORIGIN = `http://127.0.0.1:${BRIDGE_PORT}`

/** Whether OpenCode can run in a loopback-only network namespace here, and how. */
export type NetworkNamespaceSupport =
  | {
      available: true
      /** The command prefix that runs a program in a new network namespace, e.g. `["unshare", "--kill-child", "-n"]`. */
      command: string[]
      /** Absolute path of `ip` (iproute2), used inside to bring loopback up. */
      ip: string
      /**
       * Where OpenCode run by `runOpencode` inside the namespace reaches the mock: its bridge to the mock's unix
       * socket, `http://127.0.0.1:47801`. Give it as the base URL of whatever must reach the mock from inside (the
       * accounts of a keyrelay pool); outside a namespace that is the mock's own `url`.
       */
      bridgeOrigin: string
    }
  | { available: false; reason: string }

async function findExecutable(name: string, extraDirs: string[]): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs].filter(Boolean)
  for (const dir of dirs) {
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

async function probe(): Promise<NetworkNamespaceSupport> {
  if (process.platform !== "linux")
    return { available: false, reason: `network namespaces need Linux, not ${process.platform}` }
  const sbin = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
  const unshare = await findExecutable("unshare", sbin)
  const ip = await findExecutable("ip", sbin)
  if (!unshare || !ip) {
    const missing = [unshare ? "" : "unshare (util-linux)", ip ? "" : "ip (iproute2)"].filter(Boolean)
    return { available: false, reason: `${missing.join(" and ")} not found` }
  }
  // As root a plain network namespace works; otherwise (or where root lacks CAP_SYS_ADMIN, as in some
  // containers) a user namespace that maps the caller to root makes one possible.
  const flags = process.getuid?.() === 0 ? [["-n"], ["-rn"]] : [["-rn"]]
  const failures: string[] = []
  for (const nsFlags of flags) {
    for (const kill of [["--kill-child"], []]) {
      const command = [unshare, ...kill, ...nsFlags]
      try {
        await execFileAsync(command[0]!, [...command.slice(1), ip, "link", "set", "lo", "up"], {
          timeout: 10_000,
        })
        return { available: true, command, ip, bridgeOrigin: BRIDGE_ORIGIN }
      } catch (error) {
        const said = (error as { stderr?: string }).stderr || (error as Error).message
        failures.push(`${command.join(" ")}: ${said.trim().split("\n")[0]}`)
      }
    }
  }
  return { available: false, reason: failures.join("; ") }
}

let cached: Promise<NetworkNamespaceSupport> | undefined

/**
 * Finds out, once per process, whether a new network namespace with only loopback can be made here
 * (`unshare -n` as root, `unshare -rn` otherwise, then `ip link set lo up` inside), and returns the command
 * prefix that makes one, or why not.
 *
 * @example
 * ```ts
 * const netns = await detectNetworkNamespace()
 * if (!netns.available) console.warn(netns.reason)
 * ```
 */
export function detectNetworkNamespace(): Promise<NetworkNamespaceSupport> {
  cached ??= probe()
  return cached
}
