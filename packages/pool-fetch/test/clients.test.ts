// pool-fetch as the `fetch` of the official SDK and of the AI SDK's Anthropic provider (the one OpenCode 1.18
// bundles, 3.0.111), streaming and not; and the retry budget of the two layers together, measured at the mock.
import { createAnthropic } from "@ai-sdk/anthropic"
import Anthropic from "@anthropic-ai/sdk"
import { afterEach, describe, expect, it } from "vitest"
import { KEYS, ORG_A, ORG_B, type Pool, type PoolSetup, startPool } from "./_pool.ts"

let fixture: Pool | undefined
const start = async (setup: PoolSetup = {}) => {
  fixture = await startPool({ learned: true, ...setup })
  return fixture
}
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

const PROMPT = {
  model: "claude-sonnet-4-6",
  max_tokens: 128,
  messages: [{ role: "user" as const, content: "Hi" }],
}

describe("@anthropic-ai/sdk with the pool as its fetch", () => {
  it("non-streaming: the account's key reaches the mock, the caller's credential never does", async () => {
    const { pool, mock } = await start({ pool: { host: "test-host/1.0" } })
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool, maxRetries: 0 })
    const message = await client.messages.create(PROMPT)
    expect(message.type).toBe("message")
    const seen = mock.requests[0]!
    expect(seen.credential?.label).toBe("a1")
    expect(seen.headers["x-api-key"]).toContain(KEYS.a1.slice(-4))
    expect(seen.headers.authorization).toBeUndefined()
    // SDK 1.14.0 sends its own version; request-rewrite keeps a caller's anthropic-version.
    expect(seen.headers["anthropic-version"]).toBe("2026-10-21")
    expect(seen.headers["user-agent"]).toMatch(/test-host\/1\.0 keyrelay\/\S+$/)
  })

  it("streaming: events arrive whole and the final message is complete", async () => {
    const { pool, mock } = await start()
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool, maxRetries: 0 })
    const stream = client.messages.stream(PROMPT)
    let text = ""
    stream.on("text", (delta) => {
      text += delta
    })
    const final = await stream.finalMessage()
    expect(final.stop_reason).toBe("end_turn")
    expect(text.length).toBeGreaterThan(0)
    expect(mock.requests[0]?.response?.outcome).toBe("complete")
  })

  it("fails over under the SDK: a revoked key costs the caller nothing", async () => {
    const { pool, mock } = await start()
    mock.setState({ credential: "a1" }, "revoked")
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool })
    const message = await client.messages.create(PROMPT)
    expect(message.type).toBe("message")
    expect(mock.requests.map((r) => r.credential?.label)).toEqual(["a1", "a2"])
  })
})

describe("@ai-sdk/anthropic (OpenCode's provider) with the pool as its fetch", () => {
  it("generates and streams", async () => {
    const { pool, mock } = await start({ pool: { host: "opencode/1.18.33" } })
    const provider = createAnthropic({ apiKey: "", baseURL: `${mock.url}/v1`, fetch: pool })
    const model = provider("claude-sonnet-4-6")
    const prompt = [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }]
    const generated = await model.doGenerate({ prompt, maxOutputTokens: 64 })
    expect(generated.content.some((part) => part.type === "text")).toBe(true)
    const { stream } = await model.doStream({ prompt, maxOutputTokens: 64 })
    const types: string[] = []
    const reader = stream.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      types.push(value.type)
    }
    expect(types).toContain("text-delta")
    expect(types.at(-1)).toBe("finish")
    expect(mock.requests.every((r) => r.headers["user-agent"]?.includes("opencode/1.18.33 keyrelay/"))).toBe(
      true,
    )
    expect(mock.requests.map((r) => r.credential?.label)).toEqual(["a1", "a1"])
  })
})

// The retry budget of both layers together: the official SDK retries 2 times (429, 5xx, connection errors),
// honouring retry-after. The pool fails over across accounts, but repeats a service error at most once per
// episode, so what reaches the API stays bounded:
//   persistent 529: host attempts + serviceRetries = 3 + 1 = 4 requests (the SDK alone would send 3);
//   persistent 429 on every account: at most host attempts × maxAttempts = 3 × 4 = 12 requests.
describe("retry layering with the SDK's default retries", () => {
  it("a persistent 529 reaches the API 4 times, not 3 × (1 + retries)", async () => {
    const { pool, mock } = await start()
    mock.script({ respond: { kind: "error", error: "overloaded" }, times: "always" })
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool })
    await expect(client.messages.create(PROMPT)).rejects.toMatchObject({ status: 529 })
    expect(mock.requests).toHaveLength(4)
  })

  it("a persistent 429 on every account (retry-after 1 s) stays within 3 × maxAttempts", async () => {
    const setup: PoolSetup = { pool: { maxAttempts: 2, waitBudgetMs: 0 } }
    const { pool, mock } = await start(setup)
    mock.script({
      match: { organizationId: ORG_A },
      respond: { kind: "error", error: "rate-limit", retryAfter: 1 },
      times: "always",
    })
    mock.script({
      match: { organizationId: ORG_B },
      respond: { kind: "error", error: "rate-limit", retryAfter: 1 },
      times: "always",
    })
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool })
    const started = Date.now()
    await expect(client.messages.create(PROMPT)).rejects.toMatchObject({ status: 429 })
    // Each SDK attempt: one request per organization (a2 shares a1's cooling group), then keyrelay's 429 with
    // retry-after at the earliest cooldown end, which the SDK honours.
    // (A retry that arrives a hair before the cooldown ends is answered by keyrelay without reaching the API.)
    expect(mock.requests.length).toBeLessThanOrEqual(3 * 2)
    expect(mock.requests.length).toBeGreaterThanOrEqual(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500)
  })

  it("with the pool's defaults (wait budget 5 s, 4 attempts) a persistent 429 reaches the API at most 12 times", async () => {
    const { pool, mock } = await start()
    for (const organizationId of [ORG_A, ORG_B]) {
      mock.script({
        match: { organizationId },
        respond: { kind: "error", error: "rate-limit", retryAfter: null, retryAfterMs: 200 },
        times: "always",
      })
    }
    const client = new Anthropic({ apiKey: "unused", baseURL: mock.url, fetch: pool })
    await expect(client.messages.create(PROMPT)).rejects.toMatchObject({ status: 429 })
    expect(mock.requests.length).toBeLessThanOrEqual(12)
    expect(mock.requests.length).toBeGreaterThanOrEqual(6)
  })
})
