// Shared set-up of the end-to-end tests: the mock Anthropic API (three keys in two organizations), a sandbox whose
// keyrelay home holds a pool, and runs of the real OpenCode 1.18.33 with the built plugin (dist/index.js).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type AccountStore, openAccountStore } from "@keyrelay/account-store"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import {
  createOpencodeSandbox,
  defaultMockConfig,
  detectNetworkNamespace,
  type MockAnthropic,
  type MockConfig,
  type MockRequestLogEntry,
  type OpencodeRunResult,
  type OpencodeSandbox,
  type RunOpencodeOptions,
  runOpencode,
  startMockAnthropic,
} from "@keyrelay/test-utils"
import { expect } from "vitest"

export const PLUGIN_PATH = fileURLToPath(new URL("../dist/index.js", import.meta.url))
const TOAST_RECORDER = fileURLToPath(new URL("./fixtures/toast-recorder.js", import.meta.url))
export const RUN_TIMEOUT_MS = 180_000
/** Every run of every e2e file, for the wire-honesty checks. */
export const MARKER_AUTH = { anthropic: { type: "api", key: OPENCODE_AUTH_MARKER_KEY } }

export interface E2eWorld {
  dir: string
  mock: MockAnthropic
  /** Where OpenCode sends its requests in this environment, and so the base URL of every pool account. */
  baseUrl: string
  keys: { work: string; workCi: string; personal: string }
  close(): Promise<void>
}

/** The mock with its default organizations and keys, plus `extra` (identity token issuers, federation rules). */
export async function startWorld(
  extra: Pick<MockConfig, "issuers" | "federationRules"> = {},
): Promise<E2eWorld> {
  const dir = mkdtempSync(join(tmpdir(), "keyrelay-plugin-e2e-"))
  const config = defaultMockConfig()
  const mock = await startMockAnthropic({ ...config, ...extra, socketPath: join(dir, "mock.sock") })
  const netns = await detectNetworkNamespace()
  const key = (label: string) => config.credentials!.find((c) => c.label === label)!.apiKey!
  return {
    dir,
    mock,
    baseUrl: netns.available ? netns.bridgeOrigin : mock.url.replace(/\/+$/, ""),
    keys: { work: key("work"), workCi: key("work-ci"), personal: key("personal") },
    async close() {
      await mock.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface PoolAccount {
  label: string
  apiKey: string
  /** The organization the pool already knows the account belongs to (as after `keyrelay test`). */
  organizationId?: string
  priority?: number
  monthlyBudgetUsd?: number
}

/** A sandbox whose keyrelay home (`$XDG_CONFIG_HOME/keyrelay`) holds these accounts. */
export async function poolSandbox(
  world: E2eWorld,
  accounts: readonly PoolAccount[],
): Promise<{ sandbox: OpencodeSandbox; home: string }> {
  const sandbox = await createOpencodeSandbox()
  const home = join(sandbox.configHome, "keyrelay")
  const store = await openStore(home)
  try {
    for (const account of accounts) {
      const added = await store.addAccount({
        label: account.label,
        credential: { kind: "api-key", key: account.apiKey },
        baseUrl: world.baseUrl,
        ...(account.priority === undefined ? {} : { priority: account.priority }),
        ...(account.monthlyBudgetUsd === undefined ? {} : { monthlyBudgetUsd: account.monthlyBudgetUsd }),
      })
      if (account.organizationId !== undefined)
        await store.learnOrganization(added.id, { organizationId: account.organizationId })
    }
  } finally {
    await store.close()
  }
  return { sandbox, home }
}

export function openStore(home: string): Promise<AccountStore> {
  return openAccountStore({ home, watch: false, flushOnExit: false })
}

/** Every run made through {@link run}, for the checks that hold across all of them. */
/** A toast as OpenCode published it. */
export interface Toast {
  title?: string
  message: string
  variant: "info" | "success" | "warning" | "error"
  duration?: number
}

export type Run = OpencodeRunResult<MockRequestLogEntry> & { toasts: Toast[] }

export const allRuns: Run[] = []

/** Runs OpenCode with the built plugin and keyrelay's marker in its auth store, unless told otherwise. */
export async function run(
  world: E2eWorld,
  options: Partial<RunOpencodeOptions<MockRequestLogEntry>> & { pluginOptions?: Record<string, unknown> },
): Promise<Run> {
  const { pluginOptions, ...rest } = options
  const toastFile = join(world.dir, `toasts-${allRuns.length}-${Date.now()}.jsonl`)
  const result = await runOpencode<MockRequestLogEntry>({
    mock: world.mock,
    prompt: "say hi",
    auth: MARKER_AUTH,
    plugins: [
      pluginOptions === undefined ? PLUGIN_PATH : { path: PLUGIN_PATH, options: pluginOptions },
      TOAST_RECORDER,
    ],
    timeoutMs: RUN_TIMEOUT_MS,
    reject: false,
    ...rest,
    env: { KEYRELAY_E2E_TOASTS: toastFile, ...rest.env },
  })
  const toasts = existsSync(toastFile)
    ? readFileSync(toastFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Toast)
    : []
  const withToasts = Object.assign(result, { toasts })
  allRuns.push(withToasts)
  return withToasts
}

/** The Messages API requests of a run. */
export function messages(result: Run): MockRequestLogEntry[] {
  return result.requests.filter((r) => r.method === "POST" && r.path === "/v1/messages")
}

/** What a failed run printed, to make an assertion's failure readable. */
export function explain(result: Run): string {
  return `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr (tail): ${result.stderr.slice(-3000)}`
}

/**
 * Wire honesty, checked over every run of a file: each request the mock saw says it comes from OpenCode through
 * keyrelay (unless the run left OpenCode alone on purpose) — keyrelay's own token exchanges say keyrelay after
 * "opencode" — and the run happened where nothing but loopback exists.
 */
export function expectHonestWire(
  runs: readonly Run[],
  options: { withoutKeyrelay?: readonly Run[] } = {},
): void {
  const alone = new Set(options.withoutKeyrelay ?? [])
  for (const result of runs) {
    expect(result.isolated, "OpenCode ran in a loopback-only network namespace").toBe(true)
    for (const request of result.requests) {
      if (request.path === "/v1/oauth/token") {
        // keyrelay's own call (a federation exchange), made for OpenCode: it names both, and nothing else.
        expect(request.headers["user-agent"]).toMatch(/^opencode keyrelay\/\d+\.\d+\.\d+$/)
        expect(request.headers.host).toMatch(/^127\.0\.0\.1:\d+$/)
        continue
      }
      expect(request.headers["user-agent"]).toMatch(/^opencode\/1\.18\.33 /)
      if (alone.has(result)) expect(request.headers["user-agent"]).not.toContain("keyrelay/")
      else expect(request.headers["user-agent"]).toMatch(/ keyrelay\/\d+\.\d+\.\d+/)
      expect(request.headers.host).toMatch(/^127\.0\.0\.1:\d+$/)
    }
  }
}

/** keyrelay's lines in OpenCode's log (what the plugin logged; each toast is logged too). */
export function keyrelayLog(result: Run): string[] {
  return result.logs.filter((line) => line.message.startsWith("keyrelay: ")).map((line) => line.message)
}
