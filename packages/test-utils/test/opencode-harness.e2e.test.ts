// The real OpenCode 1.18.33 against the mock Anthropic API, through runOpencode: with the probe plugin loaded,
// every Anthropic request goes through the plugin's fetch; without it, none does. Each run takes ~5 s.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  DEFAULT_REPLY_TEXT,
  defaultMockConfig,
  detectNetworkNamespace,
  type MockAnthropic,
  type NetworkNamespaceSupport,
  OPENCODE_VERSION,
  runOpencode,
  startMockAnthropic,
} from "../src/index.ts"

const probePlugin = fileURLToPath(new URL("./fixtures/probe-plugin.js", import.meta.url))
const PROBE_KEY = "sk-ant-api03-test-probe-plugin-key"
const RUN_TIMEOUT_MS = 180_000

interface ProbeEvent {
  kind: "init" | "escape" | "auth.loader" | "fetch"
  options?: unknown
  bun?: string
  url?: string
  reached?: boolean
}

describe("the real OpenCode, through runOpencode", () => {
  let dir: string
  const config = defaultMockConfig()
  const personal = config.credentials!.find((c) => c.label === "personal")!
  // auth.json holds a key the mock knows as "personal"; the probe plugin sends its own, known as "probe".
  const auth = { anthropic: { type: "api", key: personal.apiKey! } }
  let mock: MockAnthropic
  let netns: NetworkNamespaceSupport

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "opencode-e2e-"))
    mock = await startMockAnthropic({ ...config, socketPath: join(dir, "mock.sock") })
    mock.addCredential({ label: "probe", apiKey: PROBE_KEY, organizationId: config.organizations![0]!.id })
    netns = await detectNetworkNamespace()
  })
  afterAll(async () => {
    await mock.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it(
    "with the probe plugin, every /v1/messages is sent by the plugin's fetch, in a loopback-only namespace",
    async () => {
      const probeLog = join(dir, "probe-with.jsonl")
      const run = await runOpencode({
        mock,
        prompt: "say hi",
        auth,
        plugins: [{ path: probePlugin, options: { label: "from-opencode-json" } }],
        env: {
          PROBE_LOG: probeLog,
          // Only tried inside the namespace, where they must fail at once.
          ...(netns.available ? { PROBE_ESCAPE_URLS: `http://192.0.2.1/,${mock.url}/` } : {}),
        },
        timeoutMs: RUN_TIMEOUT_MS,
      })
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain(DEFAULT_REPLY_TEXT)
      const messages = run.requests.filter((r) => r.method === "POST" && r.path === "/v1/messages")
      // OpenCode sends a title request on the small model, then the main one.
      expect(messages.map((r) => (r.body as { model: string }).model)).toEqual([
        "claude-haiku-4-5-20251001",
        "claude-sonnet-4-5",
      ])
      for (const request of messages) {
        expect(request.headers["user-agent"]).toContain("keyrelay-probe")
        expect(request.headers["user-agent"]).toContain(`opencode/${OPENCODE_VERSION}`)
        expect(request.credential?.label).toBe("probe")
        expect(request.response?.status).toBe(200)
      }
      const events = readFileSync(probeLog, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as ProbeEvent)
      expect(events.find((e) => e.kind === "init")).toMatchObject({
        options: { label: "from-opencode-json" },
      })
      expect(events.filter((e) => e.kind === "auth.loader")).toHaveLength(1)
      expect(events.filter((e) => e.kind === "fetch")).toHaveLength(messages.length)

      expect(run.isolated).toBe(netns.available)
      if (netns.available) {
        expect(run.requests.every((r) => r.viaSocket)).toBe(true)
        const escapes = events.filter((e) => e.kind === "escape")
        expect(escapes.map((e) => [e.url, e.reached])).toEqual([
          ["http://192.0.2.1/", false],
          [`${mock.url}/`, false],
        ])
      }
      expect(run.logs.some((l) => l.level === "ERROR")).toBe(false)
      expect(run.sandbox.kept).toBe(false)
      expect(existsSync(run.sandbox.root)).toBe(false)
    },
    RUN_TIMEOUT_MS + 10_000,
  )

  it(
    "without the plugin, the same run carries no marker and sends the auth.json key",
    async () => {
      const run = await runOpencode({ mock, prompt: "say hi", auth, timeoutMs: RUN_TIMEOUT_MS })
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain(DEFAULT_REPLY_TEXT)
      const messages = run.requests.filter((r) => r.method === "POST" && r.path === "/v1/messages")
      expect(messages).toHaveLength(2)
      for (const request of messages) {
        expect(request.headers["user-agent"]).not.toContain("keyrelay-probe")
        expect(request.credential?.label).toBe("personal")
      }
      expect(run.isolated).toBe(netns.available)
      expect(existsSync(run.sandbox.root)).toBe(false)
    },
    RUN_TIMEOUT_MS + 10_000,
  )
})
