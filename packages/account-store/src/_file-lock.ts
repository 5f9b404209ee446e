import { randomHex } from "./_atomic-file.ts"
import { fs, path } from "./_node-builtins.ts"
import { currentProcess, ownerIsDead, type ProcessIdentity } from "./_process-identity.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError } from "./account-store-error.ts"

const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} = fs
const { join } = path

/*
 * A cross-process, cross-runtime (Node and Bun) lock made only of directory operations, so it needs no native code.
 *
 * - The lock is a directory holding one file, `owner-<token>` (pid, host, boot id, process start time). A claimant
 *   builds it aside and renames it into place; rename(2) refuses to replace a non-empty directory, so exactly one
 *   claimant wins, and the lock never exists without its owner (a claimant killed half-way leaves only its
 *   staging directory, swept later).
 * - A holder is judged dead only by evidence, never by age alone: on the same machine, its pid is gone, or the pid
 *   now belongs to a process that started at another time (pid reuse), or the machine rebooted since. A live but
 *   slow holder (a long GC pause, a suspended laptop) is never robbed. Only for an owner on another host (a home
 *   directory shared over NFS) does the lock fall back to a heartbeat: the holder touches its file every few seconds.
 * - Recovery removes the dead owner's own file by name (`unlink` of a token nobody reuses), so two recoverers cannot
 *   both remove different generations of the lock; the now-empty directory is removed with `rmdir` (or replaced by
 *   the next claimant's rename, which an empty directory does not refuse).
 */

export interface FileLockOptions {
  /** How long to wait for another holder before failing with ERR_STORE_LOCK_TIMEOUT. */
  timeoutMs?: number
  /** An owner on another host whose heartbeat is older than this is considered gone. */
  remoteStaleMs?: number
  /** A lock directory without a readable owner (its creator died between mkdir and write) is stale after this. */
  orphanStaleMs?: number
  /** Called when a dead holder's lock was removed. */
  onRecovered?: (holder: LockHolder | undefined) => void
}

/** Who held a lock, as recorded in its owner file. */
export interface LockHolder extends ProcessIdentity {
  acquiredAt: number
}

type Attempt = { state: "held" } | { state: "retry" } | { state: "busy"; holder?: LockHolder }

const OWNER_PREFIX = "owner-"

let sleepCell: Int32Array | undefined
function sleepSync(ms: number): void {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4))
  Atomics.wait(sleepCell, 0, 0, ms)
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code
}

export class FileLock {
  readonly path: string
  readonly #timeoutMs: number
  readonly #remoteStaleMs: number
  readonly #orphanStaleMs: number
  readonly #onRecovered: ((holder: LockHolder | undefined) => void) | undefined
  #token: string | undefined
  #heartbeat: ReturnType<typeof setInterval> | undefined

  constructor(path: string, options: FileLockOptions = {}) {
    this.path = path
    this.#timeoutMs = options.timeoutMs ?? 15_000
    this.#remoteStaleMs = options.remoteStaleMs ?? 60_000
    this.#orphanStaleMs = options.orphanStaleMs ?? 5_000
    this.#onRecovered = options.onRecovered
  }

  /** Whether this process holds the lock right now. */
  get held(): boolean {
    return this.#token !== undefined
  }

  /** Takes the lock, waiting (with jittered backoff) up to the timeout. */
  async acquire(): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs
    let holder: LockHolder | undefined
    for (let attempt = 0; ; attempt++) {
      const result = this.#tryOnce()
      if (result.state === "held") return this.#startHeartbeat()
      if (result.state === "busy") holder = result.holder ?? holder
      if (Date.now() >= deadline) throw this.#timeoutError(holder)
      if (result.state === "busy") await new Promise((r) => setTimeout(r, backoff(attempt)))
    }
  }

  /** Takes the lock synchronously (for the final flush in an `exit` handler); reentrant for this process. */
  acquireSync(timeoutMs = this.#timeoutMs): boolean {
    if (this.#token !== undefined) return false
    const deadline = Date.now() + timeoutMs
    let holder: LockHolder | undefined
    for (let attempt = 0; ; attempt++) {
      const result = this.#tryOnce()
      if (result.state === "held") return true
      if (result.state === "busy") holder = result.holder ?? holder
      if (Date.now() >= deadline) throw this.#timeoutError(holder)
      if (result.state === "busy") sleepSync(backoff(attempt))
    }
  }

  /** Releases the lock; a no-op when not held. */
  release(): void {
    const token = this.#token
    if (token === undefined) return
    this.#token = undefined
    if (this.#heartbeat) clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
    try {
      unlinkSync(join(this.path, OWNER_PREFIX + token))
    } catch {}
    try {
      rmdirSync(this.path)
    } catch {}
  }

  #startHeartbeat(): void {
    const file = join(this.path, OWNER_PREFIX + this.#token)
    const interval = Math.max(1_000, Math.floor(this.#remoteStaleMs / 4))
    this.#heartbeat = setInterval(() => {
      try {
        const now = new Date()
        utimesSync(file, now, now)
      } catch {}
    }, interval)
    this.#heartbeat.unref?.()
  }

  #tryOnce(): Attempt {
    // While the lock is held (the common case under contention) inspecting it is all there is to do; building a
    // claim first would only triple the system calls of every waiter.
    return existsSync(this.path) ? this.#inspect(true) : this.#claim(true)
  }

  #claim(mayInspect: boolean): Attempt {
    // The lock directory is built aside, owner file included, and renamed into place: rename(2) fails when the
    // target is a non-empty directory, so the lock appears atomically and never without its owner.
    const token = randomHex(8)
    const staging = `${this.path}.tmp-${process.pid}-${token}`
    const file = join(staging, OWNER_PREFIX + token)
    const owner: LockHolder = { ...currentProcess(), acquiredAt: Date.now() }
    try {
      mkdirSync(staging, { mode: 0o700 })
      writeFileSync(file, JSON.stringify(owner), { mode: 0o600 })
    } catch (error) {
      removeQuietly(file, staging)
      throw lockIoError(this.path, error)
    }
    try {
      renameSync(staging, this.path)
      this.#token = token
      return { state: "held" }
    } catch (error) {
      removeQuietly(file, staging)
      if (!BUSY.has(errno(error) ?? "")) throw lockIoError(this.path, error)
      return mayInspect ? this.#inspect(false) : { state: "busy" }
    }
  }

  #inspect(mayClaim: boolean): Attempt {
    let entries: string[]
    try {
      entries = readdirSync(this.path)
    } catch (error) {
      if (errno(error) === "ENOENT") return { state: "retry" }
      throw lockIoError(this.path, error)
    }
    const now = Date.now()
    if (entries.length === 0) {
      // A holder killed between releasing its owner file and removing the directory. rename(2) replaces an empty
      // directory, so claim it right away; where that fails (Windows), it is removed once it is clearly old.
      if (mayClaim) return this.#claim(false)
      const age = ageOf(this.path, now)
      if (age !== undefined && age > this.#orphanStaleMs) {
        try {
          rmdirSync(this.path)
          this.#onRecovered?.(undefined)
        } catch {}
        return { state: "retry" }
      }
      return { state: "busy" }
    }
    let busy: LockHolder | undefined
    for (const entry of entries) {
      const file = join(this.path, entry)
      const holder = readOwner(file)
      const age = ageOf(file, now)
      if (age === undefined) return { state: "retry" }
      let dead: boolean | undefined = holder === undefined ? age > this.#orphanStaleMs : ownerIsDead(holder)
      if (dead === undefined) dead = age > this.#remoteStaleMs
      if (!dead) {
        busy = holder
        continue
      }
      try {
        unlinkSync(file)
      } catch {
        return { state: "retry" }
      }
      try {
        rmdirSync(this.path)
      } catch {}
      this.#onRecovered?.(holder)
      return { state: "retry" }
    }
    return busy ? { state: "busy", holder: busy } : { state: "busy" }
  }

  #timeoutError(holder: LockHolder | undefined): AccountStoreError {
    const who = holder ? `process ${holder.pid} on ${holder.host}` : "another process"
    return new AccountStoreError(
      ACCOUNT_STORE_ERROR_CODES.LOCK_TIMEOUT,
      `Timed out after ${this.#timeoutMs} ms waiting for the store lock ${this.path}, held by ${who}. ` +
        "If that process is stuck, end it; if no keyrelay process is running at all, remove that directory.",
    )
  }
}

// What rename(2) says when the lock directory exists and holds an owner (EPERM, EACCES: Windows).
const BUSY = new Set(["EEXIST", "ENOTEMPTY", "EPERM", "EACCES", "EISDIR"])

function removeQuietly(file: string, dir: string): void {
  try {
    unlinkSync(file)
  } catch {}
  try {
    rmdirSync(dir)
  } catch {}
}

/** Whether a directory entry is a lock being built by a process that may have died doing so. */
export function isLockStagingName(name: string): boolean {
  return /^\.lock\.tmp-\d+-[0-9a-f]{16}$/.test(name)
}

function backoff(attempt: number): number {
  const ceiling = Math.min(25, 1 << Math.min(attempt, 5))
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function ageOf(path: string, now: number): number | undefined {
  try {
    return now - statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

function readOwner(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockHolder>
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return undefined
    return parsed as LockHolder
  } catch {
    return undefined
  }
}

function lockIoError(path: string, cause: unknown): AccountStoreError {
  return new AccountStoreError(
    ACCOUNT_STORE_ERROR_CODES.IO_FAILED,
    `Could not use the store lock ${path} (${errno(cause) ?? "unknown"}). Check that the store directory is yours and writable.`,
    { cause },
  )
}
