import Anthropic, { AuthenticationError, InternalServerError, RateLimitError } from "@anthropic-ai/sdk"
import { oidcFederationProvider } from "@anthropic-ai/sdk/lib/credentials/oidc-federation"
import { EnforcedSpendLimitReachedError } from "@anthropic-ai/sdk/resources/shared"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { DEFAULT_REPLY_TEXT } from "../src/mock/build-message.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { baseConfig, KEY_A1, ORG_A } from "./_helpers.ts"

// The official SDK as a client: if it parses the mock's answers and raises its own error classes, the
// mock speaks the API's wire format.
let mock: MockAnthropic
let client: Anthropic
beforeEach(async () => {
  mock = await startMockAnthropic(baseConfig())
  client = new Anthropic({ apiKey: KEY_A1, baseURL: mock.url, maxRetries: 0 })
})
afterEach(() => mock.close())

const params = {
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "Hello" }],
}

describe("@anthropic-ai/sdk against the mock", () => {
  it("creates a message", async () => {
    const message = await client.messages.create(params)
    expect(message.content).toEqual([{ type: "text", text: DEFAULT_REPLY_TEXT }])
    expect(message.stop_reason).toBe("end_turn")
    expect(message.usage.output_tokens).toBeGreaterThan(0)
    // SDK 1.x sends API version 2026-10-21 and the API key as a bearer token.
    expect(mock.requests[0]?.headers["authorization"]).toBe(`Bearer …${KEY_A1.slice(-4)}`)
    expect(mock.requests[0]?.headers["anthropic-version"]).toBe("2026-10-21")
    expect(mock.requests[0]?.credential).toMatchObject({ label: "a1", kind: "api-key" })
  })

  it("streams thinking, text and a tool call into the same final message", async () => {
    mock.setReply({
      content: [
        { type: "thinking", thinking: "Lister le répertoire d'abord." },
        { type: "text", text: "Je regarde — un instant ✓" },
        { type: "tool_use", name: "bash", input: { command: "ls -la", timeout: 1200 } },
      ],
    })
    const stream = client.messages.stream({ ...params, thinking: { type: "enabled", budget_tokens: 1024 } })
    const texts: string[] = []
    stream.on("text", (t) => texts.push(t))
    const final = await stream.finalMessage()
    expect(texts.join("")).toBe("Je regarde — un instant ✓")
    expect(final.stop_reason).toBe("tool_use")
    expect(final.content[0]).toMatchObject({ type: "thinking", thinking: "Lister le répertoire d'abord." })
    expect((final.content[0] as { signature: string }).signature.length).toBeGreaterThan(40)
    expect(final.content[2]).toMatchObject({
      type: "tool_use",
      name: "bash",
      input: { command: "ls -la", timeout: 1200 },
    })
  })

  it("adds a thinking block on its own when the request enables thinking", async () => {
    const message = await client.messages.create({
      ...params,
      thinking: { type: "enabled", budget_tokens: 1024 },
    })
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"])
  })

  it("raises AuthenticationError, RateLimitError and an overloaded InternalServerError with the request id", async () => {
    const bad = new Anthropic({ apiKey: "sk-ant-api03-test-nope", baseURL: mock.url, maxRetries: 0 })
    const e401 = await bad.messages.create(params).catch((e: unknown) => e)
    expect(e401).toBeInstanceOf(AuthenticationError)
    expect((e401 as AuthenticationError).requestID).toMatch(/^req_/)

    mock.script({ respond: { kind: "error", error: "rate-limit", retryAfter: 3 } })
    const e429 = await client.messages.create(params).catch((e: unknown) => e)
    expect(e429).toBeInstanceOf(RateLimitError)
    expect((e429 as RateLimitError).headers?.get("retry-after")).toBe("3")

    mock.script({ respond: { kind: "error", error: "overloaded" } })
    const e529 = await client.messages.create(params).catch((e: unknown) => e)
    expect(e529).toBeInstanceOf(InternalServerError)
    expect((e529 as InternalServerError).status).toBe(529)
    expect((e529 as InternalServerError).error).toMatchObject({ error: { type: "overloaded_error" } })

    mock.setState({ organizationId: ORG_A }, "spend-cap")
    const cap = await client.messages.create(params).catch((e: unknown) => e)
    expect(cap).toBeInstanceOf(EnforcedSpendLimitReachedError)
  })

  it("retries a 529 and a 429 on its own, honouring retry-after-ms", async () => {
    const retrying = new Anthropic({ apiKey: KEY_A1, baseURL: mock.url, maxRetries: 2 })
    // retry-after says 50 s: finishing within the test's timeout proves the SDK took retry-after-ms.
    mock.script(
      { respond: { kind: "error", error: "overloaded", retryAfter: 50, retryAfterMs: 5 } },
      { respond: { kind: "error", error: "rate-limit", retryAfter: 50, retryAfterMs: 5 } },
    )
    const message = await retrying.messages.create(params)
    expect(message.type).toBe("message")
    expect(mock.requests.map((r) => r.response?.status)).toEqual([529, 429, 200])
    expect(mock.requests[1]?.headers["x-stainless-retry-count"]).toBe("1")
  })

  it("surfaces a mid-stream error event as an error of the stream", async () => {
    mock.script({ respond: { kind: "reply", errorAfterEvents: 4 } })
    const stream = client.messages.stream(params)
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/)
  })

  it("exchanges an identity token with oidcFederationProvider and calls the API with the minted token", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256")
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1" }
    const now = Math.floor(Date.now() / 1000)
    const fed = await startMockAnthropic({
      organizations: [{ id: ORG_A, defaultWorkspaceId: "wrkspc_default" }],
      issuers: [{ issuer: "https://idp.example.test", jwks: { keys: [jwk] } }],
      federationRules: [
        {
          id: "fdrl_sdk",
          issuer: "https://idp.example.test",
          organizationId: ORG_A,
          serviceAccountId: "svac_sdk",
          subjectPrefix: "ci-*",
        },
      ],
    })
    try {
      const identityToken = await new SignJWT({
        sub: "ci-runner-7",
        aud: "https://api.anthropic.com",
        jti: "sdk-1",
      })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer("https://idp.example.test")
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(privateKey)
      const federated = new Anthropic({
        baseURL: fed.url,
        maxRetries: 0,
        credentials: oidcFederationProvider({
          identityTokenProvider: () => identityToken,
          federationRuleId: "fdrl_sdk",
          organizationId: ORG_A,
          serviceAccountId: "svac_sdk",
          baseURL: fed.url,
          fetch,
        }),
      })
      const message = await federated.messages.create(params)
      expect(message.type).toBe("message")
      expect(fed.requests.map((r) => [r.path, r.response?.status])).toEqual([
        ["/v1/oauth/token", 200],
        ["/v1/messages", 200],
      ])
      expect(fed.requests[1]?.headers["authorization"]).toMatch(/^Bearer …/)
      expect(fed.requests[1]?.credential).toMatchObject({ kind: "federation", organizationId: ORG_A })
    } finally {
      await fed.close()
    }
  })
})
