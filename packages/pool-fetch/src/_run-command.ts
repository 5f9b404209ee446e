import { spawn } from "node:child_process"
import { safeText } from "./_safe-text.ts"

/** What a credential command printed: stdout trimmed, and stderr made safe to show. */
export interface CommandResult {
  stdout: string
}

/** Why a command failed, for people: exit status or timeout, and its stderr with anything secret-looking redacted. */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure"
}

const MAX_OUTPUT = 64 * 1024
/**
 * Runs a command the user wrote into their own config in a shell, with a timeout that ends the whole process
 * group. Resolves with stdout (trimmed); rejects with a {@link CommandFailure} whose message holds the exit status
 * and stderr made safe, never the output.
 */
export function runCommand(
  command: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const windows = process.platform === "win32"
    const child = spawn(command, {
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
      detached: !windows,
      windowsHide: true,
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let outBytes = 0
    let errBytes = 0
    let settled = false
    let why: string | undefined
    const kill = (reason: string): void => {
      why ??= reason
      try {
        if (!windows && child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
        else child.kill("SIGKILL")
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => kill(`did not finish within ${options.timeoutMs} ms`), options.timeoutMs)
    const onAbort = (): void => kill("was cancelled")
    options.signal?.addEventListener("abort", onAbort, { once: true })
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes <= MAX_OUTPUT) stdout.push(chunk)
      else kill(`printed more than ${MAX_OUTPUT} bytes`)
    })
    child.stderr.on("data", (chunk: Buffer) => {
      errBytes += chunk.length
      if (errBytes <= MAX_OUTPUT) stderr.push(chunk)
    })
    const finish = (error: Error | undefined, result?: CommandResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener("abort", onAbort)
      if (error) reject(error)
      else resolve(result as CommandResult)
    }
    child.on("error", (error: NodeJS.ErrnoException) =>
      finish(new CommandFailure(`could not be started (${error.code ?? error.name})`)),
    )
    child.on("close", (code, signal) => {
      const out = Buffer.concat(stdout).toString("utf8").trim()
      const err = safeText(Buffer.concat(stderr).toString("utf8"), out === "" ? [] : [out])
      const tail = err === "" ? "" : `: ${err}`
      if (why !== undefined) finish(new CommandFailure(`${why}${tail}`))
      else if (code !== 0) finish(new CommandFailure(`exited with ${code ?? signal}${tail}`))
      else if (out === "") finish(new CommandFailure(`printed nothing on stdout${tail}`))
      else finish(undefined, { stdout: out })
    })
  })
}
