import { spawn } from "node:child_process"

/** How a process group run ended. */
export interface ProcessGroupOutcome {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Whether the group was killed because `timeoutMs` passed or `signal` aborted. */
  timedOut: boolean
  durationMs: number
}

/** Options of {@link runProcessGroup}. */
export interface RunProcessGroupOptions {
  cwd: string
  env: Record<string, string>
  timeoutMs: number
  signal?: AbortSignal | undefined
}

/** Process groups still running, killed if this process exits first. */
const running = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** After the leader exits, how long to wait for stragglers that escaped the group to release stdout/stderr. */
const STDIO_GRACE_MS = 2_000

/**
 * Runs a command as the leader of a new process group with stdin from /dev/null and stdout/stderr captured,
 * and kills the whole group (SIGKILL) when the time is up, when `signal` aborts, when the leader exits (so no
 * child it left behind lives on) and when this process exits.
 */
export function runProcessGroup(
  command: readonly string[],
  options: RunProcessGroupOptions,
): Promise<ProcessGroupOutcome> {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once("exit", () => {
      for (const pid of running) killGroup(pid)
    })
  }
  const started = performance.now()
  const child = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
  let timedOut = false
  let durationMs = 0
  const pid = child.pid
  if (pid !== undefined) running.add(pid)
  const expire = () => {
    timedOut = true
    if (pid !== undefined) killGroup(pid)
  }
  const timer = setTimeout(expire, options.timeoutMs)
  if (options.signal?.aborted) expire()
  options.signal?.addEventListener("abort", expire, { once: true })
  let grace: NodeJS.Timeout | undefined
  const settle = () => {
    clearTimeout(timer)
    clearTimeout(grace)
    options.signal?.removeEventListener("abort", expire)
    if (pid !== undefined) running.delete(pid)
  }
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      settle()
      reject(error)
    })
    child.once("exit", () => {
      durationMs = performance.now() - started
      if (pid !== undefined) killGroup(pid)
      grace = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
      }, STDIO_GRACE_MS)
    })
    child.once("close", (exitCode, signal) => {
      settle()
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
        durationMs: Math.round(durationMs || performance.now() - started),
      })
    })
  })
}
