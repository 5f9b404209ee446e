import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
export const CHILD = join(here, "fixtures", "child.mjs")
export const BUN = join(here, "..", "..", "..", "node_modules", ".bin", "bun")
const DIST = join(here, "..", "dist", "index.js")

const homes: string[] = []
const children = new Set<ChildProcess>()

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  children.clear()
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true })
})

/** A fresh store directory, removed after the test. */
export function tempHome(): string {
  const base = mkdtempSync(join(tmpdir(), "keyrelay-store-"))
  homes.push(base)
  return join(base, "home")
}

export interface Child {
  process: ChildProcess
  lines: string[]
  /** Resolves with the first line that starts with `prefix`. */
  waitFor(prefix: string, timeoutMs?: number): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs test/fixtures/child.mjs (against the built package) under Node or Bun. */
export function runChild(args: string[], runtime: "node" | "bun" = "node"): Child {
  if (!existsSync(DIST))
    throw new Error(
      `build the package first (pnpm --filter @keyrelay/account-store build): ${DIST} is missing`,
    )
  const command = runtime === "node" ? process.execPath : BUN
  const child = spawn(command, [CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  children.add(child)
  const lines: string[] = []
  const waiters: { prefix: string; resolve: (line: string) => void }[] = []
  let buffer = ""
  let stderr = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString()
    let nl = buffer.indexOf("\n")
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      lines.push(line)
      for (const w of waiters.splice(0)) {
        if (line.startsWith(w.prefix)) w.resolve(line)
        else waiters.push(w)
      }
      nl = buffer.indexOf("\n")
    }
  })
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  )
  return {
    process: child,
    lines,
    exited,
    waitFor(prefix, timeoutMs = 15_000) {
      const seen = lines.find((l) => l.startsWith(prefix))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child never printed "${prefix}"; stderr: ${stderr.slice(-2000)}`)),
          timeoutMs,
        )
        waiters.push({
          prefix,
          resolve: (line) => {
            clearTimeout(timer)
            resolve(line)
          },
        })
        exited.then(() => {
          setTimeout(
            () => reject(new Error(`child exited before "${prefix}"; stderr: ${stderr.slice(-2000)}`)),
            50,
          )
        })
      })
    },
  }
}
