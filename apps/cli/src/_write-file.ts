import { randomBytes } from "node:crypto"
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs"
import { dirname, join } from "node:path"
import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

/**
 * Replaces a file atomically: a temporary file beside it (created with `mode`, so a secret is never readable by
 * others, not even for a moment), fsync, rename over the target, fsync of the directory. Readers see the old
 * file or the new one, never half of one. An existing file keeps its mode unless `mode` is forced.
 *
 * @throws CliError ERR_CLI_IO_FAILED
 */
export function writeFileAtomic(
  path: string,
  content: string,
  options: { mode: number; keepMode?: boolean },
): void {
  let mode = options.mode
  if (options.keepMode) {
    try {
      mode = statSync(path).mode & 0o777
    } catch {}
  }
  const temp = join(dirname(path), `.${randomBytes(6).toString("hex")}.keyrelay-tmp`)
  try {
    const fd = openSync(temp, "wx", mode)
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
    try {
      const dir = openSync(dirname(path), "r")
      try {
        fsyncSync(dir)
      } finally {
        closeSync(dir)
      }
    } catch {}
  } catch (error) {
    try {
      unlinkSync(temp)
    } catch {}
    throw new CliError(
      CLI_ERROR_CODES.IO_FAILED,
      `Could not write ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}. Check that the directory exists and is writable.`,
      { cause: error },
    )
  }
}
