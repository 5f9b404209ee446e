// The plugin as OpenCode drives it, with a fake OpenCode `input` (toasts and log lines recorded) and the mock
// Anthropic API on 127.0.0.1: the loader's decisions, the fetch contract OpenCode uses, toasts, options, disposal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openAccountStore } from "@keyrelay/account-store"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { defaultMockConfig, type MockAnthropic, startMockAnthropic } from "@keyrelay/test-utils"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { ToastBody } from "./_toaster.ts"
import { createKeyrelayPlugin, KeyrelayPlugin } from "./keyrelay-plugin.ts"

const config = defaultMockConfig()
const keyOf = (label: string) => config.credentials!.find((c) => c.label === label)!.apiKey!
const MARKER = { type: "api", key: OPENCODE_AUTH_MARKER_KEY }
const OWN_KEY = { type: "api", key: "sk-ant-api03-test-opencode-own-key" }
const OPENCODE_UA = "opencode/1.18.33 ai-sdk/provider-utils/4.0.46 runtime/bun/1.3.14"

function fakeOpencode(directory: string) {
  const toasts: ToastBody[] = []
  const logs: { level: string; message: string }[] = []
  const input = {
    client: {
      tui: {
        showToast: async ({ body }: { body: ToastBody }) => {
          toasts.push(body)
          return { data: true }
        },
      },
      app: {
        log: async ({ body }: { body: { level: string; message: string } }) => {
          logs.push({ level: body.level, message: body.message })
          return { data: true }
        },
      },
    },
    project: {},
    directory,
    worktree: directory,
    experimental_workspace: { register: () => undefined },
    serverUrl: new URL("http://localhost:4096/"),
    $: {},
  } as unknown as PluginInput
  return { input, toasts, logs }
}

/** What OpenCode's Anthropic provider passes to a custom fetch (reference/opencode-e2e.md §5). */
function opencodeRequest(model = "claude-sonnet-4-5"): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "",
      "user-agent": OPENCODE_UA,
    },
    body: JSON.stringify({
      model,
      max_tokens: 64,
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "say hi" }] }],
    }),
  }
}

describe("the keyrelay plugin, driven like OpenCode drives it", () => {
  let mock: MockAnthropic
  let dir: string
  let home: string
  let hooks: Hooks | undefined

  beforeAll(async () => {
    mock = await startMockAnthropic(config)
  })
  afterAll(async () => {
    await mock.close()
  })
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "keyrelay-plugin-"))
    home = join(dir, "keyrelay")
    mock.clearRequests()
  })
  afterEach(async () => {
    await hooks?.dispose?.()
    hooks = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  async function pool(...labels: string[]) {
    const store = await openAccountStore({ home, watch: false, flushOnExit: false })
    for (const label of labels)
      await store.addAccount({ label, credential: { kind: "api-key", key: keyOf(label) }, baseUrl: mock.url })
    await store.close()
  }

  async function start(options: Record<string, unknown> = {}, env: Record<string, string> = {}) {
    const opencode = fakeOpencode(dir)
    hooks = await createKeyrelayPlugin({ env: { KEYRELAY_HOME: home, ...env } })(opencode.input, {
      debounceMs: 0,
      ...options,
    })
    return opencode
  }

  async function load(entry: unknown): Promise<Record<string, unknown>> {
    return hooks!.auth!.loader!(async () => entry as never, {} as never)
  }

  it("exports OpenCode's shape: an async plugin function", () => {
    expect(typeof KeyrelayPlugin).toBe("function")
  })

  it("with the marker and a pool, serves OpenCode's request from the pool and records usage", async () => {
    await pool("work", "personal")
    const { toasts } = await start()
    const options = await load(MARKER)
    expect(options.apiKey).toBe("")
    const poolFetch = options.fetch as typeof fetch
    const response = await poolFetch(`${mock.url}/v1/messages`, opencodeRequest())
    expect(response.status).toBe(200)
    expect(await response.text()).toContain("message_stop")
    const [seen] = mock.requests
    expect(seen!.credential?.label).toBe("work")
    expect(seen!.headers["user-agent"]).toMatch(/^opencode\/1\.18\.33 .* keyrelay\/\S+$/)
    await hooks!.dispose!()
    hooks = undefined
    const store = await openAccountStore({ home, watch: false, flushOnExit: false })
    const rows = store.usage()
    await store.close()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ model: expect.stringContaining("claude-sonnet-4-5"), requests: 1 })
    expect(toasts).toContainEqual(
      expect.objectContaining({ variant: "info", message: expect.stringContaining('"work"') }),
    )
  })

  it("fails over from a revoked key, with an error toast naming the disabled account and no secret", async () => {
    await pool("work", "personal")
    mock.script({ match: { credential: "work" }, respond: { kind: "error", error: "authentication" } })
    const { toasts } = await start()
    const poolFetch = (await load(MARKER)).fetch as typeof fetch
    const response = await poolFetch(`${mock.url}/v1/messages`, opencodeRequest())
    expect(response.status).toBe(200)
    await response.text()
    expect(mock.requests.map((r) => r.credential?.label)).toEqual(["work", "personal"])
    const errors = toasts.filter((t) => t.variant === "error")
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toMatch(/"work" was disabled/)
    expect(JSON.stringify(toasts)).not.toMatch(/sk-ant-api03-test/)
  })

  it("with OpenCode's own key and an empty pool, leaves OpenCode alone", async () => {
    const { toasts, logs } = await start()
    expect(await load(OWN_KEY)).toEqual({})
    expect(toasts).toEqual([])
    expect(logs.map((l) => l.message).join("\n")).toContain("OpenCode uses its own Anthropic credential")
  })

  it("with OpenCode's own key and a usable pool, serves from the pool and says so once", async () => {
    await pool("personal")
    const { toasts } = await start()
    const options = await load(OWN_KEY)
    expect(options).toMatchObject({ apiKey: "" })
    expect(toasts.map((t) => t.message).join("\n")).toContain("credential OpenCode stored itself is not used")
  })

  it("with the marker and an empty pool, answers each request with what to do", async () => {
    const { toasts } = await start()
    const poolFetch = (await load(MARKER)).fetch as typeof fetch
    const response = await poolFetch(`${mock.url}/v1/messages`, opencodeRequest())
    expect(response.status).toBe(401)
    expect(await response.text()).toContain("keyrelay add")
    expect(mock.requests).toEqual([])
    expect(toasts.some((t) => t.variant === "error" && t.message.includes("keyrelay add"))).toBe(true)
  })

  it("is inert when disabled", async () => {
    await pool("work")
    await start({}, { KEYRELAY_DISABLED: "1" })
    expect(hooks).toEqual({})
  })

  it("warns about bad options and keeps working", async () => {
    await pool("work")
    const { toasts } = await start({ strategy: "fastest", colour: "blue" })
    expect(toasts.filter((t) => t.variant === "warning").map((t) => t.message)).toEqual([
      expect.stringContaining('unknown plugin option "colour"'),
      expect.stringContaining('"strategy" in opencode.json must be one of'),
    ])
    expect(await load(MARKER)).toMatchObject({ apiKey: "" })
  })

  it("never breaks OpenCode when the store cannot be opened: an error toast, and OpenCode is left alone", async () => {
    writeFileSync(join(dir, "not-a-directory"), "")
    const { toasts } = await start({}, { KEYRELAY_HOME: join(dir, "not-a-directory", "keyrelay") })
    expect(await load(OWN_KEY)).toEqual({})
    expect(toasts).toEqual([
      expect.objectContaining({
        variant: "error",
        message: expect.stringContaining("could not open its store"),
      }),
    ])
  })

  it("with the marker and a store that cannot be opened, OpenCode gets the reason instead of sending the marker", async () => {
    writeFileSync(join(dir, "not-a-directory"), "")
    await start({}, { KEYRELAY_HOME: join(dir, "not-a-directory", "keyrelay") })
    const options = await load(MARKER)
    const response = await (options.fetch as typeof fetch)(`${mock.url}/v1/messages`, opencodeRequest())
    expect(response.status).toBe(401)
    expect(response.headers.get("x-should-retry")).toBe("false")
    expect(await response.json()).toMatchObject({
      error: {
        type: "authentication_error",
        message: expect.stringMatching(/^keyrelay: .*could not open its store/),
      },
    })
    expect(mock.requests).toEqual([])
  })

  it("turns a failure at init into an error toast and empty hooks, never a throw", async () => {
    const opencode = fakeOpencode(dir)
    const broken = createKeyrelayPlugin({
      get env(): Record<string, string> {
        throw new Error("environment unavailable")
      },
    })
    await expect(broken(opencode.input, {})).resolves.toEqual({})
    expect(opencode.toasts).toEqual([
      expect.objectContaining({
        variant: "error",
        message: expect.stringContaining("environment unavailable"),
      }),
    ])
  })
})
