import { existsSync } from "node:fs"
import { rm, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"
import { describeRunFailure } from "./describe-run-failure.ts"
import { BRIDGE_PORT, detectNetworkNamespace } from "./network-namespace.ts"
import { buildOpencodeConfig, type OpencodePluginEntry } from "./opencode-config.ts"
import { buildOpencodeEnv } from "./opencode-env.ts"
import type { NetnsRunnerSpec } from "./opencode-netns-runner.ts"
import { buildOpencodeRunArgs, type OpencodeLogLevel } from "./opencode-run-args.ts"
import {
  createOpencodeSandbox,
  type OpencodeSandbox,
  type OpencodeSandboxPaths,
  sandboxPaths,
} from "./opencode-sandbox.ts"
import { type OpencodeLogLine, parseOpencodeLogs } from "./parse-opencode-logs.ts"
import { resolveOpencodeBinary } from "./resolve-opencode-binary.ts"
import { runProcessGroup } from "./run-process-group.ts"

/** The model a run asks for unless told otherwise (in OpenCode 1.18.33's built-in catalogue). */
export const DEFAULT_OPENCODE_MODEL = "anthropic/claude-sonnet-4-5"

/** The fake Anthropic key written to auth.json unless told otherwise. */
export const DEFAULT_OPENCODE_API_KEY = "sk-ant-api03-test-opencode-harness-auth-json"

/** One entry of OpenCode's auth.json, e.g. `{ type: "api", key: "sk-ant-api03-test-…" }`. */
export type OpencodeAuthEntry = { type: string } & Record<string, unknown>

/** The mock a run talks to. The handle of `startMockAnthropic` fits. */
export interface OpencodeMockTarget<Request = unknown> {
  /** The mock's base URL on 127.0.0.1, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** The unix socket the mock also listens on; needed to reach it from inside the network namespace. */
  socketPath?: string | undefined
  /** Everything the mock received so far, oldest first; the run returns what was added while it ran. */
  readonly requests: readonly Request[]
}

/** Options of {@link runOpencode}. */
export interface RunOpencodeOptions<Request = unknown> {
  /** The mock Anthropic API that provider `anthropic` is pointed at. */
  mock: OpencodeMockTarget<Request>
  /** The message; passed to `opencode run` as separate argv words (whitespace is not preserved). */
  prompt: string | readonly string[]
  /** `provider/model`; default {@link DEFAULT_OPENCODE_MODEL}. */
  model?: string
  /** Passed as `--title`, which saves OpenCode's title-generation request (one request per run instead of two). */
  title?: string
  /** Plugins to load by path, each a module path or `{ path, options }`. */
  plugins?: readonly OpencodePluginEntry[]
  /**
   * auth.json contents; default `{ anthropic: { type: "api", key: DEFAULT_OPENCODE_API_KEY } }`, `null` for none.
   * A plugin's `auth.loader` runs only when this has an entry for its provider.
   */
  auth?: Record<string, OpencodeAuthEntry> | null
  /** Deliver `auth` as the file (default) or as `OPENCODE_AUTH_CONTENT`. */
  authVia?: "file" | "env"
  /** Extra environment for OpenCode and its plugins (e.g. `KEYRELAY_HOME`), applied last. */
  env?: Record<string, string>
  /** Extra configuration merged over the generated `opencode.json` (models, agents, …). */
  config?: Record<string, unknown>
  /** Extra `opencode run` arguments, e.g. `["--format", "json"]`. */
  args?: readonly string[]
  /** An existing sandbox to run in (kept after the run; the caller removes it); default a new one per run. */
  sandbox?: OpencodeSandbox
  /** Keep the sandbox this run created: always, never, or (default) only when the run fails. */
  keepSandbox?: boolean | "on-failure"
  /**
   * `"auto"` (default): a loopback-only network namespace when one can be made, else environment guards only,
   * said on stderr; `"namespace"`: fail without one; `"none"`: never (the mock is reached over TCP).
   */
  isolation?: "auto" | "namespace" | "none"
  /** Kill the whole process group after this long; default 120 000 ms (a run takes ~5 s on an idle machine). */
  timeoutMs?: number
  /** Kills the run's process group when aborted. */
  signal?: AbortSignal
  /** Throw on a non-zero exit, a signal or a timeout (default `true`); `false` returns the result instead. */
  reject?: boolean
  /** `--log-level` of `--print-logs`; default `INFO`. */
  logLevel?: OpencodeLogLevel
  /** Path of the OpenCode executable, used as is; default the pinned binary from {@link resolveOpencodeBinary}. */
  binary?: string
}

/** What one `opencode run` did. */
export interface OpencodeRunResult<Request = unknown> {
  /** Exit code, or `null` when killed by a signal. */
  exitCode: number | null
  /** The signal that ended it, if any (SIGKILL after a timeout). */
  signal: NodeJS.Signals | null
  /** Whether it was killed because `timeoutMs` passed or `signal` aborted. */
  timedOut: boolean
  /** What OpenCode printed on stdout: the assistant's text (or JSON events with `--format json`). */
  stdout: string
  /** Everything on stderr: the `> agent · model` banner, errors, and the `--print-logs` lines. */
  stderr: string
  /** The `--print-logs` lines of stderr, parsed. */
  logs: OpencodeLogLine[]
  /** Wall time from spawn to exit, in ms. */
  durationMs: number
  /** Whether OpenCode ran in a network namespace where only loopback exists. */
  isolated: boolean
  /** What the mock received while the run lasted. */
  requests: Request[]
  /** The sandbox's paths, and whether it still exists. */
  sandbox: OpencodeSandboxPaths & { kept: boolean }
}

let warnedNoNamespace = false

function runnerPath(): string {
  for (const candidate of [
    "./opencode/opencode-netns-runner.js",
    "../../dist/opencode/opencode-netns-runner.js",
  ]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new TestUtilsError(
    TEST_UTILS_ERROR_CODES.OPENCODE_RUNNER_NOT_BUILT,
    "the network-namespace runner (dist/opencode/opencode-netns-runner.js) of @keyrelay/test-utils is missing; " +
      "run `pnpm --filter @keyrelay/test-utils build`",
  )
}

function invalid(message: string): TestUtilsError {
  return new TestUtilsError(TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS, message)
}

/**
 * Runs the real `opencode run` once, non-interactively, in an isolated sandbox and (where possible) a network
 * namespace where only loopback exists, with provider `anthropic` pointed at the mock and the given plugins
 * loaded; returns what OpenCode printed and what the mock received.
 *
 * @example
 * ```ts
 * const mock = await startMockAnthropic({ socketPath })
 * const run = await runOpencode({ mock, prompt: "say hi", plugins: [pluginPath] })
 * expect(run.stdout).toContain("Hello")
 * expect(run.requests.length).toBe(2) // title + main
 * ```
 * @throws {TestUtilsError} `ERR_OPENCODE_RUN_FAILED` on a non-zero exit or a signal,
 * `ERR_OPENCODE_RUN_TIMED_OUT` after `timeoutMs` (neither when `reject: false`; the message has the tail of
 * OpenCode's logs and the kept sandbox's path, `error.result` the whole result), `ERR_OPENCODE_INVALID_OPTIONS`,
 * `ERR_OPENCODE_NAMESPACE_UNAVAILABLE` (with `isolation: "namespace"`), `ERR_OPENCODE_RUNNER_NOT_BUILT`,
 * `ERR_OPENCODE_BINARY_NOT_FOUND`.
 */
export async function runOpencode<Request>(
  options: RunOpencodeOptions<Request>,
): Promise<OpencodeRunResult<Request>> {
  const { mock } = options
  if (typeof mock?.url !== "string" || !Array.isArray(mock.requests)) {
    throw invalid("runOpencode needs `mock` with `url` and `requests` (the handle of startMockAnthropic)")
  }
  const isolation = options.isolation ?? "auto"
  if (isolation !== "none" && !mock.socketPath) {
    throw invalid(
      "the mock has no socketPath: start it with a unix socket so OpenCode can reach it from inside the " +
        'network namespace, or pass isolation: "none"',
    )
  }
  const timeoutMs = options.timeoutMs ?? 120_000
  const args = buildOpencodeRunArgs({
    prompt: options.prompt,
    model: options.model ?? DEFAULT_OPENCODE_MODEL,
    logLevel: options.logLevel ?? "INFO",
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.args === undefined ? {} : { args: options.args }),
  })
  const netns = isolation === "none" ? undefined : await detectNetworkNamespace()
  if (netns && !netns.available) {
    if (isolation === "namespace") {
      throw new TestUtilsError(
        TEST_UTILS_ERROR_CODES.OPENCODE_NAMESPACE_UNAVAILABLE,
        `no loopback-only network namespace can be made here (${netns.reason}); install util-linux and iproute2 ` +
          'and allow user namespaces, or pass isolation: "auto"',
      )
    }
    if (!warnedNoNamespace) {
      warnedNoNamespace = true
      process.stderr.write(
        `[opencode-harness] no loopback-only network namespace (${netns.reason}); OpenCode runs with ` +
          "environment guards only and results say isolated: false\n",
      )
    }
  }
  const inNamespace = netns?.available === true ? netns : undefined
  const runner = inNamespace ? runnerPath() : undefined
  const binary = options.binary ?? (await resolveOpencodeBinary()).path

  const ownSandbox = options.sandbox === undefined
  const sandbox = options.sandbox ?? (await createOpencodeSandbox())
  const auth =
    options.auth === undefined ? { anthropic: { type: "api", key: DEFAULT_OPENCODE_API_KEY } } : options.auth
  let command: string[]
  let env: Record<string, string>
  try {
    const baseURL = `${inNamespace ? inNamespace.bridgeOrigin : mock.url.replace(/\/+$/, "")}/v1`
    const config = buildOpencodeConfig({
      baseURL,
      model: options.model ?? DEFAULT_OPENCODE_MODEL,
      ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
      ...(options.config === undefined ? {} : { config: options.config }),
    })
    await writeFile(join(sandbox.project, "opencode.json"), `${JSON.stringify(config, null, 2)}\n`)
    const authVia = options.authVia ?? "file"
    if (auth && authVia === "file") await writeFile(sandbox.authFile, JSON.stringify(auth), { mode: 0o600 })
    else await rm(sandbox.authFile, { force: true })
    env = buildOpencodeEnv({
      sandbox,
      ...(auth && authVia === "env" ? { authContent: JSON.stringify(auth) } : {}),
      ...(options.env === undefined ? {} : { env: options.env }),
    })
    if (inNamespace && runner && mock.socketPath) {
      const spec: NetnsRunnerSpec = {
        ip: inNamespace.ip,
        socketPath: resolve(mock.socketPath),
        port: BRIDGE_PORT,
        command: binary,
        args,
        cwd: sandbox.project,
      }
      command = [...inNamespace.command, process.execPath, runner, JSON.stringify(spec)]
    } else {
      command = [binary, ...args]
    }
  } catch (error) {
    if (ownSandbox) await sandbox.remove()
    throw error
  }

  const before = mock.requests.length
  let outcome: Awaited<ReturnType<typeof runProcessGroup>>
  try {
    outcome = await runProcessGroup(command, { cwd: sandbox.project, env, timeoutMs, signal: options.signal })
  } catch (cause) {
    if (ownSandbox) await sandbox.remove()
    throw new TestUtilsError(
      TEST_UTILS_ERROR_CODES.OPENCODE_RUN_FAILED,
      `could not start ${command[0]}: ${(cause as Error).message}`,
      { cause },
    )
  }
  const requests = mock.requests.slice(before)
  const failed = outcome.timedOut || outcome.exitCode !== 0
  const keepOption = options.keepSandbox ?? "on-failure"
  const kept = !ownSandbox || keepOption === true || (keepOption === "on-failure" && failed)
  if (!kept) await sandbox.remove()
  const result: OpencodeRunResult<Request> = {
    ...outcome,
    logs: parseOpencodeLogs(outcome.stderr),
    isolated: inNamespace !== undefined,
    requests,
    sandbox: { ...sandboxPaths(sandbox.root), kept },
  }
  if (failed && (options.reject ?? true)) {
    throw new TestUtilsError(
      outcome.timedOut
        ? TEST_UTILS_ERROR_CODES.OPENCODE_RUN_TIMED_OUT
        : TEST_UTILS_ERROR_CODES.OPENCODE_RUN_FAILED,
      describeRunFailure(result, { timeoutMs, secrets: secretsOf(auth) }),
      { result },
    )
  }
  if (failed && kept && ownSandbox) {
    process.stderr.write(`[opencode-harness] the failed run's sandbox is kept at ${sandbox.root}\n`)
  }
  return result
}

function secretsOf(auth: Record<string, OpencodeAuthEntry> | null): string[] {
  if (!auth) return []
  return Object.values(auth).flatMap((entry) =>
    Object.entries(entry)
      .filter(([name, value]) => name !== "type" && typeof value === "string" && value.length >= 8)
      .map(([, value]) => value as string),
  )
}
