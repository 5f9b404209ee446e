import {
  asidePath,
  type FileSignature,
  isTempName,
  moveAsideSync,
  readStoreFile,
  readStoreFileSync,
  sameSignature,
  signatureOf,
  writeFileAtomic,
  writeFileAtomicSync,
} from "./_atomic-file.ts"
import { FileLock, isLockStagingName } from "./_file-lock.ts"
import { fs, fsPromises, path } from "./_node-builtins.ts"
import { decodeFile, encodeFile, type FileSpec } from "./_versioned-file.ts"
import {
  ACCOUNT_STORE_ERROR_CODES,
  AccountStoreError,
  type AccountStoreErrorCode,
} from "./account-store-error.ts"
import { redactSecret } from "./redact-secret.ts"

const { copyFileSync, readdirSync, rmSync, statSync, unlinkSync } = fs
const { mkdir, stat, writeFile } = fsPromises
const { join } = path

/** Something wrong with the store's files that did not stop the rest from working; shown by `doctor`. */
export interface StoreProblem {
  code: AccountStoreErrorCode
  /** The file concerned, e.g. `accounts.json`. */
  file: string
  message: string
  /** Where a corrupt file was moved, when it was. */
  movedTo?: string
  at: number
}

/** A file as loaded: its data, the signature it had, and whatever a migration left for the caller to do. */
export interface Loaded<T> {
  data: T
  signature: FileSignature | undefined
  /** Whether it was validated whole; `false` when only its view schema was checked (see `FileSpec.viewSchema`). */
  checked: boolean
  /** Set when the file came from an older schema and must be written back (under the lock) by the caller. */
  migratedFrom?: number
  /** Secrets a migration took out of the file, to be stored before the migrated file is written. */
  secrets?: Record<string, string>
}

const GITIGNORE = "# keyrelay keeps credentials and usage here; never commit any of it.\n*\n"

export class StoreFiles {
  readonly home: string
  readonly lock: FileLock
  readonly #now: () => number
  readonly #report: (problem: StoreProblem) => void
  /** Files this version must never write: from a newer version, or a failed migration, or insecure. */
  readonly blocked = new Map<string, AccountStoreError>()
  readonly signatures = new Map<string, FileSignature | undefined>()

  constructor(
    home: string,
    options: { now: () => number; lockTimeoutMs?: number; report: (p: StoreProblem) => void },
  ) {
    this.home = home
    this.#now = options.now
    this.#report = options.report
    this.lock = new FileLock(
      join(home, ".lock"),
      options.lockTimeoutMs ? { timeoutMs: options.lockTimeoutMs } : {},
    )
  }

  path(name: string): string {
    return join(this.home, name)
  }

  /** Creates the directory (0700) and its `.gitignore`; warns about a directory others can enter. */
  async ensureHome(): Promise<void> {
    try {
      await mkdir(this.home, { recursive: true, mode: 0o700 })
      const [stats] = await Promise.all([
        stat(this.home),
        // Created when missing, never overwritten (the user may have added to it).
        writeFile(this.path(".gitignore"), GITIGNORE, { mode: 0o600, flag: "wx" }).catch((error) => {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
        }),
      ])
      if (process.platform !== "win32" && (stats.mode & 0o077) !== 0) {
        const mode = (stats.mode & 0o777).toString(8)
        this.#report({
          code: ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS,
          file: this.home,
          message: `The store directory ${this.home} has mode ${mode}; others may list or replace its files. Run \`chmod 700 ${this.home}\`.`,
          at: this.#now(),
        })
      }
    } catch (cause) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.IO_FAILED,
        `Could not create the store directory ${this.home} (${(cause as NodeJS.ErrnoException).code ?? "unknown"}). Set KEYRELAY_HOME to a writable directory.`,
        { cause },
      )
    }
  }

  /** Removes temporary files left by processes killed mid-write; call under the lock. */
  removeStrayTempFiles(): void {
    let names: string[]
    try {
      names = readdirSync(this.home)
    } catch {
      return
    }
    const now = this.#now()
    for (const name of names) {
      const staging = isLockStagingName(name)
      if (!staging && !isTempName(name)) continue
      try {
        // Under the lock no writer is between its write and its rename, but a clock can jump: keep fresh ones.
        if (now - statSync(join(this.home, name)).mtimeMs < 60_000) continue
        if (staging) rmSync(join(this.home, name), { recursive: true, force: true })
        else unlinkSync(join(this.home, name))
      } catch {}
    }
  }

  /** Whether the file changed on disk since this process last read or wrote it. */
  async changed(name: string): Promise<boolean> {
    try {
      return !sameSignature(signatureOf(await stat(this.path(name))), this.signatures.get(name))
    } catch {
      return this.signatures.get(name) !== undefined
    }
  }

  /**
   * Reads, migrates and validates a file. Outside the lock a corrupt file or a pending migration is not acted on
   * (`undefined` is returned and the caller retries under the lock), because another process may be fixing it.
   * Under the lock a corrupt file is moved aside and reported, and the file starts empty.
   */
  async load<T>(spec: FileSpec<T>, locked: boolean): Promise<Loaded<T> | undefined> {
    return (await this.loadMany([spec as FileSpec<unknown>], locked))[0] as Loaded<T> | undefined
  }

  /** `load` for several files: read at once (their I/O overlaps), then decoded one by one in the order given. */
  async loadMany(
    specs: readonly FileSpec<unknown>[],
    locked: boolean,
  ): Promise<(Loaded<unknown> | undefined)[]> {
    const reads = await Promise.allSettled(
      specs.map((spec) => readStoreFile(this.path(spec.name), spec.secret)),
    )
    return specs.map((spec, i) => {
      const read = reads[i]!
      if (read.status === "fulfilled") return this.#decode(spec, this.path(spec.name), read.value, locked)
      if ((read.reason as AccountStoreError).code === ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS) {
        this.#block(spec.name, read.reason as AccountStoreError)
        return { data: spec.empty(), signature: undefined, checked: true }
      }
      throw read.reason
    })
  }

  /** The synchronous twin of `load` for the exit flush; never moves files (returns `undefined` instead). */
  loadSync<T>(spec: FileSpec<T>): Loaded<T> | undefined {
    const path = this.path(spec.name)
    const read = readStoreFileSync(path, spec.secret)
    if (read === undefined) return { data: spec.empty(), signature: undefined, checked: true }
    const decoded = decodeFile(spec, read.text, { now: this.#now(), redact: redactSecret })
    return decoded.kind === "ok"
      ? { data: decoded.data, signature: read.signature, checked: true }
      : undefined
  }

  #decode<T>(
    spec: FileSpec<T>,
    path: string,
    read: { text: string; signature: FileSignature } | undefined,
    locked: boolean,
  ): Loaded<T> | undefined {
    if (read === undefined) {
      this.blocked.delete(spec.name)
      return { data: spec.empty(), signature: undefined, checked: true }
    }
    const now = this.#now()
    // Outside the lock a file is only viewed; under it, it may be written back, so it is validated whole.
    const decoded = decodeFile(spec, read.text, { now, redact: redactSecret }, !locked)
    switch (decoded.kind) {
      case "ok":
        this.blocked.delete(spec.name)
        return { data: decoded.data, signature: read.signature, checked: decoded.checked }
      case "migrate": {
        if (!locked) return undefined
        const backup = asidePath(path, "backup", now, `-v${decoded.from}`)
        copyFileSync(path, backup)
        return {
          data: decoded.data,
          signature: read.signature,
          checked: true,
          migratedFrom: decoded.from,
          secrets: decoded.secrets,
        }
      }
      case "corrupt": {
        if (!locked) return undefined
        const movedTo = moveAsideSync(path, now)
        this.#report({
          code: ACCOUNT_STORE_ERROR_CODES.FILE_CORRUPT,
          file: spec.name,
          message:
            `${path} could not be used because ${decoded.reason}. It was moved to ${movedTo} and keyrelay ` +
            `continues without it. Fix that copy and move it back, or re-add what it held (for example with \`keyrelay add\`).`,
          movedTo,
          at: now,
        })
        return { data: spec.empty(), signature: undefined, checked: true }
      }
      case "too-new":
        this.#block(
          spec.name,
          new AccountStoreError(
            ACCOUNT_STORE_ERROR_CODES.FILE_TOO_NEW,
            `${path} has schema version ${decoded.version}, but this keyrelay understands up to ${spec.version}. ` +
              "It was left untouched and will not be written. Upgrade keyrelay (every process that uses this store).",
          ),
        )
        return { data: spec.empty(), signature: read.signature, checked: true }
      case "migration-failed":
        this.#block(
          spec.name,
          new AccountStoreError(
            ACCOUNT_STORE_ERROR_CODES.MIGRATION_FAILED,
            `${path} (schema version ${decoded.from}) could not be migrated to version ${spec.version}: ${decoded.reason}. ` +
              "The file was left untouched and will not be written; fix it by hand or move it away and re-add its accounts.",
            { cause: decoded.cause },
          ),
        )
        return { data: spec.empty(), signature: read.signature, checked: true }
    }
  }

  #block(name: string, error: AccountStoreError): void {
    const first = !this.blocked.has(name)
    this.blocked.set(name, error)
    if (first) this.#report({ code: error.code, file: name, message: error.message, at: this.#now() })
  }

  assertWritable(name: string): void {
    const blocked = this.blocked.get(name)
    if (blocked) throw blocked
  }

  /** Writes a file atomically (call under the lock); refuses files this version must not overwrite. */
  async write<T>(spec: FileSpec<T>, data: T): Promise<void> {
    this.assertWritable(spec.name)
    this.signatures.set(spec.name, await writeFileAtomic(this.path(spec.name), encodeFile(data)))
  }

  writeSync<T>(spec: FileSpec<T>, data: T): void {
    this.assertWritable(spec.name)
    this.signatures.set(spec.name, writeFileAtomicSync(this.path(spec.name), encodeFile(data)))
  }
}
