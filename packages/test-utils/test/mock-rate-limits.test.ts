import { afterEach, describe, expect, it } from "vitest"
import { countInputTokens } from "../src/mock/estimate-tokens.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { HELLO, KEY_A1, KEY_A2, KEY_B1, ORG_A, ORG_B, post } from "./_helpers.ts"

const NOW = Date.UTC(2026, 9, 14, 12, 0, 0)
const iso = (ms: number) => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z")

let mock: MockAnthropic
afterEach(() => mock.close())

function start(limits: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return startMockAnthropic({
    organizations: [
      { id: ORG_A, limits: { default: limits } },
      { id: ORG_B, limits: { default: limits } },
    ],
    credentials: [
      { label: "a1", apiKey: KEY_A1, organizationId: ORG_A },
      { label: "a2", apiKey: KEY_A2, organizationId: ORG_A },
      { label: "b1", apiKey: KEY_B1, organizationId: ORG_B },
    ],
    now: () => NOW,
    ...extra,
  })
}

describe("organization rate limits", () => {
  it("shares one bucket between the keys of an organization and leaves another organization alone", async () => {
    mock = await start({ requestsPerMinute: 3 })
    expect((await post(mock.url, HELLO, { key: KEY_A1 })).status).toBe(200)
    expect((await post(mock.url, HELLO, { key: KEY_A2 })).status).toBe(200)
    const third = await post(mock.url, HELLO, { key: KEY_A1 })
    expect(third.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0")
    const refused = await post(mock.url, HELLO, { key: KEY_A2 })
    expect(refused.status).toBe(429)
    expect(refused.headers.get("retry-after")).toBe("20")
    expect(refused.headers.get("anthropic-organization-id")).toBe(ORG_A)
    const body = (await refused.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe("rate_limit_error")
    expect(body.error.message).toMatch(
      /^This request would exceed the rate limit for your organization \(org-a\) of 3 requests per minute\./,
    )
    expect(mock.requests.at(-1)?.response?.scenario).toBe("rate-limited")

    const other = await post(mock.url, HELLO, { key: KEY_B1 })
    expect(other.status).toBe(200)
    expect(other.headers.get("anthropic-ratelimit-requests-remaining")).toBe("2")
  })

  it("refills continuously by the injected clock", async () => {
    mock = await start({ requestsPerMinute: 3 })
    for (let i = 0; i < 3; i++) await post(mock.url, HELLO)
    expect((await post(mock.url, HELLO)).status).toBe(429)
    mock.advance(19_999)
    expect((await post(mock.url, HELLO)).status).toBe(429)
    mock.advance(1)
    expect((await post(mock.url, HELLO)).status).toBe(200)
    expect(mock.rateLimits(ORG_A, "claude-sonnet-4-5").requests.remaining).toBeCloseTo(0)
    mock.advance(60_000)
    expect(mock.rateLimits(ORG_A, "claude-sonnet-4-5").requests.remaining).toBe(3)
  })

  it("keeps model classes apart: a drained Sonnet 4.x bucket does not touch Opus 4.x", async () => {
    mock = await start({ requestsPerMinute: 1 })
    expect((await post(mock.url, HELLO)).status).toBe(200)
    expect((await post(mock.url, { ...HELLO, model: "claude-sonnet-4-6" })).status).toBe(429)
    expect((await post(mock.url, { ...HELLO, model: "claude-opus-4-7" })).status).toBe(200)
  })

  it("sends the full header set with exact limits, rounded token counts and RFC 3339 resets", async () => {
    mock = await start({ requestsPerMinute: 50, inputTokensPerMinute: 30_000, outputTokensPerMinute: 8_000 })
    const res = await post(mock.url, HELLO)
    const input = countInputTokens(HELLO)
    const body = (await res.json()) as { usage: { output_tokens: number } }
    const out = body.usage.output_tokens
    const h = (name: string) => res.headers.get(`anthropic-ratelimit-${name}`)
    expect(h("requests-limit")).toBe("50")
    expect(h("requests-remaining")).toBe("49")
    expect(h("requests-reset")).toBe(iso(NOW + 60_000 / 50))
    expect(h("input-tokens-limit")).toBe("30000")
    expect(h("input-tokens-remaining")).toBe(String(Math.round((30_000 - input) / 1000) * 1000))
    expect(h("input-tokens-reset")).toBe(iso(NOW + (input * 60_000) / 30_000))
    expect(h("output-tokens-limit")).toBe("8000")
    expect(h("output-tokens-remaining")).toBe(String(Math.round((8_000 - out) / 1000) * 1000))
    expect(h("tokens-limit")).toBe("38000")
    expect(h("tokens-remaining")).toBe(String(Math.round((38_000 - input - out) / 1000) * 1000))
    expect(mock.rateLimits(ORG_A, "claude-sonnet-4-5").inputTokens.remaining).toBe(30_000 - input)
  })

  it("defaults to the Start tier, with Fable 5.x's own column", async () => {
    mock = await startMockAnthropic({
      organizations: [{ id: ORG_A }],
      credentials: [{ label: "a1", apiKey: KEY_A1, organizationId: ORG_A }],
    })
    const sonnet = await post(mock.url, HELLO)
    expect(sonnet.headers.get("anthropic-ratelimit-requests-limit")).toBe("1000")
    expect(sonnet.headers.get("anthropic-ratelimit-input-tokens-limit")).toBe("2000000")
    expect(sonnet.headers.get("anthropic-ratelimit-output-tokens-limit")).toBe("400000")
    const fable = await post(mock.url, { ...HELLO, model: "claude-fable-5-1" })
    expect(fable.headers.get("anthropic-ratelimit-input-tokens-limit")).toBe("500000")
  })

  it("counts output tokens after generation: a drained OTPM bucket refuses until it is positive again", async () => {
    mock = await start(
      { outputTokensPerMinute: 60 },
      { reply: { content: [{ type: "text", text: "x".repeat(200) }] } },
    )
    expect((await post(mock.url, HELLO)).status).toBe(200) // 50 output tokens
    expect((await post(mock.url, HELLO)).status).toBe(200) // overdraws to -40
    const refused = await post(mock.url, HELLO)
    expect(refused.status).toBe(429)
    expect(refused.headers.get("retry-after")).toBe("41")
    expect(await refused.text()).toContain("of 60 output tokens per minute")
  })

  it("counts cache writes but not cache reads against ITPM", async () => {
    mock = await start({ inputTokensPerMinute: 100_000 })
    const cached = {
      ...HELLO,
      system: [{ type: "text", text: "Policy. ".repeat(500), cache_control: { type: "ephemeral" } }],
    }
    const first = (await (await post(mock.url, cached)).json()) as { usage: Record<string, number> }
    expect(first.usage["cache_creation_input_tokens"]).toBeGreaterThan(900)
    const afterFirst = mock.rateLimits(ORG_A, HELLO.model).inputTokens.remaining
    expect(afterFirst).toBe(
      100_000 - first.usage["input_tokens"]! - first.usage["cache_creation_input_tokens"]!,
    )
    const second = (await (await post(mock.url, cached)).json()) as { usage: Record<string, number> }
    expect(second.usage["cache_read_input_tokens"]).toBe(first.usage["cache_creation_input_tokens"])
    expect(second.usage["cache_creation_input_tokens"]).toBe(0)
    expect(mock.rateLimits(ORG_A, HELLO.model).inputTokens.remaining).toBe(
      afterFirst - second.usage["input_tokens"]!,
    )
  })
})

describe("workspace limits", () => {
  it("apply on top of the organization's and show as the most restrictive in the headers", async () => {
    mock = await startMockAnthropic({
      organizations: [
        {
          id: ORG_A,
          limits: { default: { requestsPerMinute: 100 } },
          workspaces: [
            { id: "wrkspc_ci", limits: { default: { requestsPerMinute: 2, outputTokensPerMinute: 10_000 } } },
          ],
        },
      ],
      credentials: [
        { label: "ci", apiKey: KEY_A1, organizationId: ORG_A, workspaceId: "wrkspc_ci" },
        { label: "dev", apiKey: KEY_A2, organizationId: ORG_A },
      ],
      now: () => NOW,
    })
    const first = await post(mock.url, HELLO, { key: KEY_A1 })
    expect(first.headers.get("anthropic-ratelimit-requests-limit")).toBe("2")
    expect(first.headers.get("anthropic-ratelimit-output-tokens-limit")).toBe("10000")
    expect(first.headers.get("anthropic-ratelimit-tokens-limit")).toBe("10000")
    await post(mock.url, HELLO, { key: KEY_A1 })
    const refused = await post(mock.url, HELLO, { key: KEY_A1 })
    expect(refused.status).toBe(429)
    expect(await refused.text()).toContain("your workspace (wrkspc_ci) of 2 requests per minute")
    const dev = await post(mock.url, HELLO, { key: KEY_A2 })
    expect(dev.status).toBe(200)
    expect(dev.headers.get("anthropic-ratelimit-requests-remaining")).toBe("97")
  })
})
