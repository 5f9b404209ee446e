import type { FSWatcher } from "node:fs"
import { fs } from "./_node-builtins.ts"

const { watch } = fs

/**
 * Notices changes to the store's files made by other processes or by hand: `fs.watch` on the directory (atomic
 * replaces swap inodes, so watching the files themselves would go deaf after the first write), plus a cheap stat
 * poll because fs.watch misses events on some filesystems (network mounts, some containers).
 */
export class FilesWatcher {
  #watcher: FSWatcher | undefined
  #poll: ReturnType<typeof setInterval> | undefined
  #pending: ReturnType<typeof setTimeout> | undefined
  readonly #check: () => void

  constructor(dir: string, names: ReadonlySet<string>, pollMs: number, check: () => void) {
    this.#check = check
    try {
      this.#watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename === null || names.has(String(filename))) this.#soon()
      })
      this.#watcher.on("error", () => this.#closeWatcher())
    } catch {
      this.#watcher = undefined
    }
    if (pollMs > 0) {
      this.#poll = setInterval(check, pollMs)
      this.#poll.unref?.()
    }
  }

  #soon(): void {
    if (this.#pending) return
    // Coalesce the burst of events one atomic replace produces (create temp, write, rename).
    this.#pending = setTimeout(() => {
      this.#pending = undefined
      this.#check()
    }, 15)
    this.#pending.unref?.()
  }

  #closeWatcher(): void {
    try {
      this.#watcher?.close()
    } catch {}
    this.#watcher = undefined
  }

  close(): void {
    this.#closeWatcher()
    if (this.#poll) clearInterval(this.#poll)
    if (this.#pending) clearTimeout(this.#pending)
  }
}
