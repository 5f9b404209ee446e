import { fs, os } from "./_node-builtins.ts"

const { readFileSync } = fs
const { hostname } = os

/** Who holds a lock: enough to tell, on the same machine, whether that process is still the one alive. */
export interface ProcessIdentity {
  pid: number
  host: string
  /** Linux boot id: a lock from before a reboot is stale whatever its pid. */
  bootId?: string
  /** Linux process start time (clock ticks since boot): tells a live holder from a reused pid. */
  startTime?: string
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses. */
export function processStartTime(pid: number): string | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return fields[19]
}

let self: ProcessIdentity | undefined

/** This process, computed once on first use (never at import). */
export function currentProcess(): ProcessIdentity {
  if (self === undefined) {
    const bootId = readOrUndefined("/proc/sys/kernel/random/boot_id")?.trim()
    const startTime = processStartTime(process.pid)
    self = { pid: process.pid, host: hostname() }
    if (bootId) self.bootId = bootId
    if (startTime) self.startTime = startTime
  }
  return self
}

/** Whether `pid` names a running process here; EPERM means it runs under another user, so it is alive. */
function pidIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Whether the process that wrote `owner` is certainly gone. `undefined` means this machine cannot tell (the owner
 * is on another host, sharing the directory over a network filesystem): the caller falls back to the heartbeat.
 */
export function ownerIsDead(owner: ProcessIdentity): boolean | undefined {
  const me = currentProcess()
  if (owner.host !== me.host) return undefined
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return true
  if (!pidIsRunning(owner.pid)) return true
  if (owner.startTime && me.startTime) {
    const now = processStartTime(owner.pid)
    if (now !== undefined && now !== owner.startTime) return true
  }
  return false
}
