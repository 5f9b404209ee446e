import type { Stats } from "node:fs"
import { fs, fsPromises, path } from "./_node-builtins.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError } from "./account-store-error.ts"

const {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} = fs
const { open, rename, unlink } = fsPromises
const { basename, dirname, join } = path

/** What identifies one version of a file on disk; a change in any field means someone replaced it. */
export interface FileSignature {
  ino: number
  size: number
  mtimeMs: number
}

export function signatureOf(stats: Stats): FileSignature {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs }
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature | undefined): boolean {
  return a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs
}

const checksModes = process.platform !== "win32"

function ioError(action: string, path: string, cause: unknown): AccountStoreError {
  const code = (cause as NodeJS.ErrnoException)?.code ?? "unknown"
  return new AccountStoreError(
    ACCOUNT_STORE_ERROR_CODES.IO_FAILED,
    `Could not ${action} ${path} (${code}). Check that the directory exists, is yours and has free space.`,
    { cause },
  )
}

function assertPrivate(path: string, stats: Stats): void {
  if (!checksModes || (stats.mode & 0o077) === 0) return
  const mode = (stats.mode & 0o777).toString(8).padStart(3, "0")
  throw new AccountStoreError(
    ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS,
    `Refusing to read ${path}: it holds secrets and its mode ${mode} lets group or others read it. ` +
      `Run \`chmod 600 ${path}\` (and consider rotating the keys in it), then retry.`,
  )
}

/** The file's text and signature, or `undefined` when it does not exist. Secret files must be mode 0600. */
export interface ReadResult {
  text: string
  signature: FileSignature
}

export async function readStoreFile(path: string, secret: boolean): Promise<ReadResult | undefined> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, "r")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw ioError("open", path, error)
  }
  try {
    const stats = await handle.stat()
    if (secret) assertPrivate(path, stats)
    const text = await handle.readFile("utf8")
    return { text, signature: signatureOf(stats) }
  } catch (error) {
    if (error instanceof AccountStoreError) throw error
    throw ioError("read", path, error)
  } finally {
    await handle.close()
  }
}

export function readStoreFileSync(path: string, secret: boolean): ReadResult | undefined {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw ioError("open", path, error)
  }
  try {
    const stats = fstatSync(fd)
    if (secret) assertPrivate(path, stats)
    const text = readFileSync(fd, "utf8")
    return { text, signature: signatureOf(stats) }
  } catch (error) {
    if (error instanceof AccountStoreError) throw error
    throw ioError("read", path, error)
  } finally {
    closeSync(fd)
  }
}

/** `bytes` random bytes as hex, from Web Crypto: importing node:crypto costs more than the whole store at startup. */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex")
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomHex(4)}`)
}

/** Whether a name is one of our temporary files (left behind only by a process killed mid-write). */
export function isTempName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name)
}

// Some platforms (Windows, some network filesystems) cannot fsync a directory; the rename is then as durable
// as that platform makes it, which is the best anyone can do there.
const UNSYNCABLE_DIR = new Set(["EISDIR", "EPERM", "EINVAL", "EBADF", "EACCES", "ENOTSUP"])

async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, "r")
    await handle.sync()
  } catch (error) {
    if (!UNSYNCABLE_DIR.has((error as NodeJS.ErrnoException).code ?? "")) throw error
  } finally {
    await handle?.close()
  }
}

function fsyncDirectorySync(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, "r")
    fsyncSync(fd)
  } catch (error) {
    if (!UNSYNCABLE_DIR.has((error as NodeJS.ErrnoException).code ?? "")) throw error
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Replaces `path` atomically: a 0600 temporary file beside it, written and fsynced, renamed over the target, then
 * the directory fsynced so the rename itself survives a power cut. Readers see the old file or the new one, never
 * a mix; a process killed at any point leaves at most a stray temporary file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<FileSignature> {
  const temp = tempPathFor(path)
  let signature: FileSignature
  try {
    const handle = await open(temp, "wx", 0o600)
    try {
      await handle.writeFile(text, "utf8")
      await handle.sync()
      signature = signatureOf(await handle.stat())
    } finally {
      await handle.close()
    }
    await rename(temp, path)
    await fsyncDirectory(dirname(path))
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw ioError("write", path, error)
  }
  return signature
}

/** The synchronous twin of `writeFileAtomic`, for the last flush in an `exit` handler. */
export function writeFileAtomicSync(path: string, text: string): FileSignature {
  const temp = tempPathFor(path)
  let signature: FileSignature
  try {
    const fd = openSync(temp, "wx", 0o600)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
      signature = signatureOf(fstatSync(fd))
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
    fsyncDirectorySync(dirname(path))
  } catch (error) {
    try {
      unlinkSync(temp)
    } catch {}
    throw ioError("write", path, error)
  }
  return signature
}

/** A file name for `path` moved aside as corrupt: `<name>.corrupt-<time>`, never overwriting an earlier one. */
export function asidePath(path: string, kind: "corrupt" | "backup", at: number, suffix = ""): string {
  const stamp = new Date(at).toISOString().replaceAll(":", "-")
  let candidate = `${path}.${kind}${suffix}-${stamp}`
  for (let n = 2; existsSync(candidate); n++) candidate = `${path}.${kind}${suffix}-${stamp}-${n}`
  return candidate
}

/** Moves a corrupt file aside (never deletes it) and returns where it went. */
export function moveAsideSync(path: string, at: number): string {
  const target = asidePath(path, "corrupt", at)
  renameSync(path, target)
  fsyncDirectorySync(dirname(path))
  return target
}
