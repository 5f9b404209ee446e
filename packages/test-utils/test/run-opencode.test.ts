// runOpencode's own machinery (sandbox, config, env, argv, namespace and bridge, process group, failure
// reports), driven with a fake opencode binary so it runs in well under a second per case.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  createOpencodeSandbox,
  DEFAULT_OPENCODE_API_KEY,
  defaultMockConfig,
  detectNetworkNamespace,
  type MockAnthropic,
  type MockRequestLogEntry,
  type OpencodeRunResult,
  runOpencode,
  startMockAnthropic,
  TEST_UTILS_ERROR_CODES,
  type TestUtilsError,
} from "../src/index.ts"
import { waitUntilGone } from "./fixtures/process-exit.ts"

const fake = fileURLToPath(new URL("./fixtures/fake-opencode.mjs", import.meta.url))

interface FakeReport {
  argv: string[]
  cwd: string
  env: Record<string, string>
  stdinIsDevNull: boolean
  config: { model: string; plugin?: unknown[]; provider: { anthropic: { options: { baseURL: string } } } }
  auth: { mode: number; content: unknown } | null
  status: number
  reply: string
  escapes: { url: string; reached: boolean; error?: string }[]
}

const report = (run: OpencodeRunResult<MockRequestLogEntry>) => JSON.parse(run.stdout) as FakeReport

describe("runOpencode (with a fake opencode binary)", () => {
  let dir: string
  const config = defaultMockConfig()
  const personalKey = config.credentials!.find((c) => c.label === "personal")!.apiKey!
  let mock: MockAnthropic

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "run-opencode-"))
    mock = await startMockAnthropic({ ...config, socketPath: join(dir, "mock.sock") })
    mock.addCredential({
      label: "harness-default",
      apiKey: DEFAULT_OPENCODE_API_KEY,
      organizationId: config.organizations![1]!.id,
    })
  })
  afterAll(async () => {
    await mock.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("runs the binary in the sandbox project with the prompt as words, stdin from /dev/null, and removes the sandbox", async () => {
    const run = await runOpencode({
      mock,
      binary: fake,
      isolation: "none",
      prompt: "say hi",
      title: "fixed",
      plugins: ["/abs/plugin.js", { path: "/abs/other.js", options: { strategy: "sticky" } }],
      env: { KEYRELAY_HOME: "/somewhere" },
    })
    const seen = report(run)
    expect(seen.argv).toEqual([
      "run",
      "--print-logs",
      "--log-level",
      "INFO",
      "--model",
      "anthropic/claude-sonnet-4-5",
      "--title",
      "fixed",
      "--",
      "say",
      "hi",
    ])
    expect(seen.cwd).toBe(run.sandbox.project)
    expect(seen.stdinIsDevNull).toBe(true)
    expect(seen.env).toMatchObject({
      HOME: run.sandbox.home,
      TMPDIR: run.sandbox.tmpDir,
      KEYRELAY_HOME: "/somewhere",
    })
    expect(seen.config.plugin).toEqual(["/abs/plugin.js", ["/abs/other.js", { strategy: "sticky" }]])
    expect(seen.config.provider.anthropic.options.baseURL).toBe(`${mock.url}/v1`)
    expect(seen.auth).toEqual({
      mode: 0o600,
      content: { anthropic: { type: "api", key: DEFAULT_OPENCODE_API_KEY } },
    })
    expect(seen.status).toBe(200)
    expect(run).toMatchObject({ exitCode: 0, signal: null, timedOut: false, isolated: false })
    expect(
      run.requests.map((r) => [r.method, r.path, r.viaSocket, r.headers["user-agent"], r.credential?.label]),
    ).toEqual([["POST", "/v1/messages", false, "fake-opencode/0", "harness-default"]])
    expect(run.logs.map((l) => l.message)).toEqual(["fake opencode report"])
    expect(run.sandbox.kept).toBe(false)
    expect(existsSync(run.sandbox.root)).toBe(false)
  })

  it("delivers auth through OPENCODE_AUTH_CONTENT when asked, and writes no auth.json", async () => {
    const auth = { anthropic: { type: "api", key: personalKey } }
    const run = await runOpencode({
      mock,
      binary: fake,
      isolation: "none",
      prompt: "hi",
      auth,
      authVia: "env",
    })
    const seen = report(run)
    expect(JSON.parse(seen.env.OPENCODE_AUTH_CONTENT ?? "null")).toEqual(auth)
    expect(seen.auth).toBeNull()
    expect(run.requests.map((r) => r.credential?.label)).toEqual(["personal"])
  })

  it("writes no auth at all with auth: null, even into a reused sandbox that had one", async () => {
    const sandbox = await createOpencodeSandbox({ parent: dir })
    try {
      const first = await runOpencode({ mock, binary: fake, isolation: "none", prompt: "hi", sandbox })
      expect(report(first).auth).not.toBeNull()
      const second = await runOpencode({
        mock,
        binary: fake,
        isolation: "none",
        prompt: "hi",
        sandbox,
        auth: null,
      })
      expect(report(second).auth).toBeNull()
      expect(report(second).env.OPENCODE_AUTH_CONTENT).toBeUndefined()
      expect(second.sandbox).toMatchObject({ root: sandbox.root, kept: true })
      expect(existsSync(sandbox.root)).toBe(true)
    } finally {
      await sandbox.remove()
    }
  })

  it("counts only the requests made during the run", async () => {
    await fetch(`${mock.url}/before`)
    const run = await runOpencode({ mock, binary: fake, isolation: "none", prompt: "hi" })
    expect(run.requests.map((r) => r.path)).toEqual(["/v1/messages"])
  })

  it("in a network namespace, reaches the mock only through the bridge and nothing else at all", async () => {
    const netns = await detectNetworkNamespace()
    if (!netns.available) {
      const run = await runOpencode({ mock, binary: fake, prompt: "hi" })
      expect(run.isolated).toBe(false)
      return
    }
    const run = await runOpencode({
      mock,
      binary: fake,
      isolation: "namespace",
      prompt: "hi",
      env: { FAKE_ESCAPE_URLS: `http://192.0.2.1/,${mock.url}/,http://[::1]:${new URL(mock.url).port}/` },
    })
    const seen = report(run)
    expect(run.isolated).toBe(true)
    expect(seen.config.provider.anthropic.options.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(seen.status).toBe(200)
    expect(seen.reply).toContain("event: message_stop")
    expect(run.requests.map((r) => [r.viaSocket, r.credential?.label])).toEqual([[true, "harness-default"]])
    // Neither another address nor the mock's own TCP port (v4 or v6 loopback of the host) can be reached.
    expect(seen.escapes.map((e) => e.reached)).toEqual([false, false, false])
  })

  it("throws RUN_FAILED with OpenCode's messages and log tail, keeps the sandbox and never shows the auth key", async () => {
    const key = "sk-ant-api03-test-must-not-be-shown"
    const error = (await runOpencode({
      mock,
      binary: fake,
      isolation: "none",
      prompt: "hi",
      auth: { anthropic: { type: "api", key } },
      env: { FAKE_MODE: "fail", FAKE_LEAK: key },
    }).catch((e: unknown) => e)) as TestUtilsError
    const result = error.result as OpencodeRunResult<MockRequestLogEntry>
    try {
      expect(error.code).toBe(TEST_UTILS_ERROR_CODES.OPENCODE_RUN_FAILED)
      expect(error.message).toContain("exited with code 1")
      expect(error.message).toContain("Error: something went wrong")
      expect(error.message).toContain('message="stream error"')
      expect(error.message).toContain(`sandbox kept at ${result.sandbox.root}`)
      expect(error.message).not.toContain(key)
      expect(result.sandbox.kept).toBe(true)
      expect(existsSync(result.sandbox.root)).toBe(true)
      expect(result.requests).toHaveLength(1)
    } finally {
      rmSync(result.sandbox.root, { recursive: true, force: true })
    }
  })

  it("with reject: false returns the failed run, and keepSandbox: false removes its sandbox", async () => {
    const run = await runOpencode({
      mock,
      binary: fake,
      isolation: "none",
      prompt: "hi",
      env: { FAKE_MODE: "fail" },
      reject: false,
      keepSandbox: false,
    })
    expect(run.exitCode).toBe(1)
    expect(run.logs.at(-1)?.level).toBe("ERROR")
    expect(run.sandbox.kept).toBe(false)
    expect(existsSync(run.sandbox.root)).toBe(false)
  })

  it("kills the whole run, in the namespace where there is one, when the time is up", async () => {
    const pidFile = join(dir, "hang.pid")
    const error = (await runOpencode({
      mock,
      binary: fake,
      prompt: "hi",
      timeoutMs: 1500,
      keepSandbox: false,
      env: { FAKE_MODE: "hang", FAKE_PID_FILE: pidFile },
    }).catch((e: unknown) => e)) as TestUtilsError
    expect(error.code).toBe(TEST_UTILS_ERROR_CODES.OPENCODE_RUN_TIMED_OUT)
    expect(error.message).toContain("did not finish within 1500 ms")
    expect(error.result?.timedOut).toBe(true)
    const grandchild = Number(readFileSync(pidFile, "utf8"))
    expect(await waitUntilGone(grandchild)).toBe(true)
  })

  it("refuses a mock without a unix socket unless isolation is none", async () => {
    await expect(
      runOpencode({ mock: { url: mock.url, requests: [] }, binary: fake, prompt: "hi" }),
    ).rejects.toMatchObject({
      code: TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS,
    })
  })

  it("refuses an empty prompt before creating anything", async () => {
    await expect(runOpencode({ mock, binary: fake, prompt: " " })).rejects.toMatchObject({
      code: TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS,
    })
  })
})
