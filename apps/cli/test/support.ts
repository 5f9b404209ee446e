// Runs the built `keyrelay` binary as a real process in a sandbox (its own store, XDG dirs and HOME), with the
// loopback guard loaded, and checks every run's stdout and stderr for the sentinel secrets of these tests.
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  defaultMockConfig,
  type MockAnthropic,
  type MockAnthropicOptions,
  startMockAnthropic,
} from "@keyrelay/test-utils"
import { Ajv2020 } from "ajv/dist/2020.js"
import { expect } from "vitest"
import { JSON_SCHEMAS } from "../src/json-schemas.ts"

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const GUARD = import.meta.resolve("@keyrelay/test-utils/loopback-guard-register")

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm --filter keyrelay build\` first`)

/** Fake keys that must never appear in any output of any command (only redacted, `sk-ant-…` + 4). */
export const SENTINELS = {
  work: "sk-ant-api03-test-work-0000000000000000000000000000",
  workCi: "sk-ant-api03-test-work-ci-00000000000000000000000000",
  personal: "sk-ant-api03-test-personal-000000000000000000000000",
  revoked: "sk-ant-api03-test-revoked-SENTINEL-xq7w9z0000000000",
  stdinOnly: "sk-ant-api03-test-stdin-SENTINEL-a81kd00000000000000",
} as const

/** Every run of the binary in this test process, for the secret scan. */
export const allRuns: CliResult[] = []

export interface CliResult {
  args: string[]
  code: number
  stdout: string
  stderr: string
  /** Parsed stdout (when `--json` was passed and stdout is JSON). */
  json?: unknown
}

export interface Sandbox {
  root: string
  home: string
  env: Record<string, string>
  guardLog: string
  run(args: string[], options?: RunOptions): Promise<CliResult>
  start(args: string[], options?: RunOptions): RunningCli
  cleanup(): void
}

export interface RunOptions {
  input?: string
  env?: Record<string, string | undefined>
  cwd?: string
  timeoutMs?: number
  /** Allow a sentinel secret in stdout (only `export --with-secrets --output -`). */
  secretsExpected?: boolean
}

/** A fresh sandbox: store in `<root>/store`, OpenCode dirs under `<root>/xdg-*`, HOME at `<root>/home`. */
export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "keyrelay-cli-test-"))
  const home = join(root, "store")
  for (const dir of ["home", "xdg-config", "xdg-data", "project"]) mkdirSync(join(root, dir))
  const guardLog = join(root, "guard.jsonl")
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: join(root, "home"),
    KEYRELAY_HOME: home,
    XDG_CONFIG_HOME: join(root, "xdg-config"),
    XDG_DATA_HOME: join(root, "xdg-data"),
    TMPDIR: tmpdir(),
    LANG: "C.UTF-8",
    NODE_OPTIONS: `--import=${GUARD}`,
    KEYRELAY_LOOPBACK_GUARD_LOG: guardLog,
  }
  const sandbox: Sandbox = {
    root,
    home,
    env,
    guardLog,
    run: (args, options = {}) =>
      runCli(args, {
        ...options,
        env: { ...env, ...options.env },
        cwd: options.cwd ?? join(root, "project"),
      }),
    start: (args, options = {}) =>
      startCli(args, {
        ...options,
        env: { ...env, ...options.env },
        cwd: options.cwd ?? join(root, "project"),
      }),
    cleanup() {
      const attempts = existsSync(guardLog) ? readFileSync(guardLog, "utf8") : ""
      rmSync(root, { recursive: true, force: true })
      expect(attempts, "the CLI tried to reach a non-loopback address").toBe("")
    },
  }
  return sandbox
}

/** A running binary: wait for output to appear, then for it to finish. */
export interface RunningCli {
  /** Resolves with the first match of `pattern` in stdout + stderr so far (as it arrives). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  write(text: string): void
  done: Promise<CliResult>
}

/** Starts the binary; the caller talks to it while it runs. */
export function startCli(
  args: string[],
  options: RunOptions & { env: Record<string, string | undefined> },
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    stdio: ["pipe", "pipe", "pipe"],
  })
  let stdout = ""
  let stderr = ""
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of waiters) waiter()
  }
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    notify()
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
    notify()
  })
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      notify()
      const result: CliResult = { args, code: code ?? -1, stdout, stderr }
      if (args.includes("--json") && stdout.trim().startsWith("{")) {
        try {
          result.json = JSON.parse(stdout)
        } catch {}
      }
      allRuns.push(result)
      assertNoSecrets(result, options.secretsExpected === true)
      resolve(result)
    })
  })
  if (options.input !== undefined) child.stdin.end(options.input)
  return {
    done,
    write: (text) => child.stdin.write(text),
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern)
          if (match) {
            waiters.delete(check)
            clearTimeout(timeout)
            resolve(match)
          } else if (child.exitCode !== null) {
            waiters.delete(check)
            clearTimeout(timeout)
            reject(new Error(`keyrelay exited before printing ${pattern}: ${stdout}${stderr}`))
          }
        }
        const timeout = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${stdout}${stderr}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
  }
}

/** Runs the binary once; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(
  args: string[],
  options: RunOptions & { env: Record<string, string | undefined> },
): Promise<CliResult> {
  return startCli(args, { ...options, input: options.input ?? "" }).done
}

/** Fails when any sentinel secret (or any unredacted test key) shows up in a run's output. */
export function assertNoSecrets(result: CliResult, secretsInStdoutExpected = false): void {
  const outputs = secretsInStdoutExpected ? [result.stderr] : [result.stdout, result.stderr]
  for (const text of outputs) {
    for (const secret of Object.values(SENTINELS)) {
      expect(text.includes(secret), `keyrelay ${result.args.join(" ")} printed a secret`).toBe(false)
    }
    // Nothing key-shaped longer than the redacted form `sk-ant-…abcd`.
    expect(text, `keyrelay ${result.args.join(" ")} printed something key-shaped`).not.toMatch(
      /sk-ant-[a-z]+\d+-[A-Za-z0-9-]{6,}/,
    )
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false })
const validators = new Map<string, ReturnType<typeof ajv.compile>>()

/** Asserts that a `--json` document matches the command's published schema. */
export function expectSchema(command: string, document: unknown): void {
  const schema = JSON_SCHEMAS[command]
  expect(schema, `no schema for ${command}`).toBeDefined()
  let validate = validators.get(command)
  if (!validate) {
    validate = ajv.compile(schema!)
    validators.set(command, validate)
  }
  const ok = validate(document)
  expect(ok ? [] : validate.errors, `keyrelay ${command} --json does not match its schema`).toEqual([])
}

/** A `keyrelay` running on a pseudo-terminal (util-linux `script`), typed at like a person would. */
export interface PtyCli {
  /** The screen output so far, without ANSI escapes. */
  screen(): string
  /** Raw output so far (escapes included). */
  raw(): string
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  type(text: string): Promise<void>
  done: Promise<{ code: number }>
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is stripped
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\r/g

/** Starts `keyrelay <args>` on a 100×40 pseudo-terminal in the sandbox's environment. */
export function startPty(sandbox: Sandbox, args: string[]): PtyCli {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")
  const child = spawn("script", ["-qfec", `stty cols 100 rows 40; exec ${quoted}`, "/dev/null"], {
    cwd: join(sandbox.root, "project"),
    env: { ...sandbox.env, TERM: "xterm-256color" },
    stdio: ["pipe", "pipe", "pipe"],
  })
  let out = ""
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d))
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d))
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
  const done = new Promise<{ code: number }>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer)
      const result = { args, code: code ?? -1, stdout: out, stderr: "" }
      allRuns.push(result)
      assertNoSecrets(result)
      resolve({ code: code ?? -1 })
    }),
  )
  const screen = () => out.replace(ESCAPES, "")
  return {
    screen,
    raw: () => out,
    done,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now()
        const poll = setInterval(() => {
          if (pattern.test(screen())) {
            clearInterval(poll)
            resolve()
          } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
            clearInterval(poll)
            reject(new Error(`no ${pattern} on the terminal:\n${screen()}`))
          }
        }, 20)
      })
    },
    async type(text) {
      for (const char of text) {
        child.stdin.write(char)
        await new Promise((r) => setTimeout(r, 3))
      }
    },
  }
}

/**
 * The mock Anthropic API with its default organizations and keys (`SENTINELS.work`, `.workCi`, `.personal`) plus a
 * revoked key (`SENTINELS.revoked`, label `revoked`); `extra` adds to its config (issuers, federation rules).
 */
export function startMock(extra: Partial<MockAnthropicOptions> = {}): Promise<MockAnthropic> {
  const config = defaultMockConfig()
  return startMockAnthropic({
    ...config,
    ...extra,
    credentials: [
      ...(config.credentials ?? []),
      {
        label: "revoked",
        apiKey: SENTINELS.revoked,
        organizationId: "22222222-2222-4222-8222-222222222222",
        state: "revoked",
      },
    ],
  })
}
