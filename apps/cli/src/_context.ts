import type { AccountStore } from "@keyrelay/account-store"
import { createStyle, type Style, wantsColor, wantsUnicode } from "./_style.ts"
import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

/** A writable the CLI prints to: `process.stdout`/`stderr`, or a test's capture. */
export interface OutputStream {
  write(chunk: string): unknown
  isTTY?: boolean | undefined
  columns?: number | undefined
}

/** Where the CLI reads answers and piped secrets from: `process.stdin`, or a test's stream. */
export type InputStream = NodeJS.ReadableStream & {
  isTTY?: boolean | undefined
  setRawMode?: (mode: boolean) => unknown
}

/** What `run` may be given instead of the process's own streams, environment, clock and network. */
export interface RunOptions {
  stdin?: InputStream
  stdout?: OutputStream
  stderr?: OutputStream
  /** The environment (default `process.env`): `KEYRELAY_HOME`, `XDG_*`, `NO_COLOR`, `FORCE_COLOR`, `COLUMNS`. */
  env?: Record<string, string | undefined>
  /** The working directory (default `process.cwd()`), used by `rules explain` and OpenCode project config. */
  cwd?: string
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number
  /** The fetch used for network calls (`test`, `login`, `doctor`); default the global `fetch`. */
  fetch?: typeof fetch
}

/** Flags every command takes. */
export interface GlobalFlags {
  json: boolean
  home: string | undefined
  noColor: boolean
}

/** Everything a command needs: output with the right colors and width, the store, the clock, prompts. */
export class Context {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly env: Record<string, string | undefined>
  readonly cwd: string
  readonly now: () => number
  readonly fetch: typeof fetch
  readonly flags: GlobalFlags
  /** Styles for stdout. */
  readonly style: Style
  /** Styles for stderr (messages, warnings, errors). */
  readonly errStyle: Style
  readonly unicode: boolean
  readonly #stdin: InputStream | undefined
  #store: Promise<AccountStore> | undefined
  #storeOptions: { lockTimeoutMs?: number; quietProblems?: boolean } = {}

  constructor(options: RunOptions, flags: GlobalFlags) {
    this.#stdin = options.stdin
    this.stdout = options.stdout ?? process.stdout
    this.stderr = options.stderr ?? process.stderr
    this.env = options.env ?? process.env
    this.cwd = options.cwd ?? process.cwd()
    this.now = options.now ?? Date.now
    this.fetch = options.fetch ?? globalThis.fetch
    this.flags = flags
    this.style = createStyle(!flags.json && wantsColor(this.stdout, this.env, flags.noColor))
    this.errStyle = createStyle(wantsColor(this.stderr, this.env, flags.noColor))
    this.unicode = wantsUnicode(this.env)
  }

  /**
   * Where answers and piped secrets come from. `process.stdin` is only touched here, when a command reads: building
   * it opens a stream on fd 0 (for a file, with Node's fs stream modules), which `list` would pay for and never use.
   */
  get stdin(): InputStream {
    return this.#stdin ?? process.stdin
  }

  /** Whether the user can be asked: stdin and stderr are both terminals. */
  get interactive(): boolean {
    return this.stdin.isTTY === true && this.stderr.isTTY === true
  }

  /** How wide stdout is: the terminal's columns, else `COLUMNS`, else unlimited (piped output is never cut). */
  get width(): number {
    if (this.stdout.isTTY && this.stdout.columns) return this.stdout.columns
    const fromEnv = Number(this.env.COLUMNS)
    return Number.isInteger(fromEnv) && fromEnv > 20 ? fromEnv : Number.POSITIVE_INFINITY
  }

  /** Prints lines to stdout. */
  print(...lines: string[]): void {
    // One write, not one per line: each write to a pipe or file is a system call.
    if (lines.length > 0) this.stdout.write(`${lines.join("\n")}\n`)
  }

  /** Prints a value as pretty JSON to stdout (the `--json` output). */
  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  }

  /** A message for people on stderr (never mixed into stdout, so piped and `--json` output stays clean). */
  info(message: string): void {
    this.stderr.write(`${message}\n`)
  }

  /** A warning on stderr. */
  warn(message: string): void {
    this.stderr.write(`${this.errStyle.yellow("warning:")} ${message}\n`)
  }

  /** Sets store options before the store is first opened (`doctor`: a short lock timeout, problems its own way). */
  configureStore(options: { lockTimeoutMs?: number; quietProblems?: boolean }): void {
    this.#storeOptions = options
  }

  /** The store directory: `--home`, else `KEYRELAY_HOME`, else `$XDG_CONFIG_HOME/keyrelay`. */
  async home(): Promise<string> {
    const { resolveStoreHome } = await import("@keyrelay/account-store")
    return resolveStoreHome(this.flags.home ? { ...this.env, KEYRELAY_HOME: this.flags.home } : this.env)
  }

  /** Opens the store once (no watcher: a command is short-lived) and reports file problems on stderr. */
  store(): Promise<AccountStore> {
    this.#store ??= (async () => {
      const { openAccountStore } = await import("@keyrelay/account-store")
      const { quietProblems, ...options } = this.#storeOptions
      const store = await openAccountStore({
        home: await this.home(),
        watch: false,
        now: this.now,
        ...options,
      })
      if (!quietProblems && store.problems.length > 0) {
        const [first] = store.problems
        this.warn(
          `${store.problems.length} problem(s) with keyrelay's files; the rest keeps working. ${first!.message} \`keyrelay doctor\` says how to fix each.`,
        )
      }
      return store
    })()
    return this.#store
  }

  /** Flushes and closes the store if it was opened. */
  async close(): Promise<void> {
    if (!this.#store) return
    const store = await this.#store.catch(() => undefined)
    await store?.close()
  }

  /** Fails with NOT_INTERACTIVE unless the user can be asked; `hint` says which flag answers instead. */
  requireInteractive(hint: string): void {
    if (!this.interactive)
      throw new CliError(CLI_ERROR_CODES.NOT_INTERACTIVE, `No terminal to ask on: ${hint}`)
  }
}
