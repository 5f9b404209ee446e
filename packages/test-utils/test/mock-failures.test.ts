import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { CREDIT_TOO_LOW_MESSAGE } from "../src/mock/api-errors.ts"
import type { MockErrorName } from "../src/mock/mock-config.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { baseConfig, HELLO, KEY_A1, KEY_A2, KEY_B1, ORG_A, post } from "./_helpers.ts"

const NOW = Date.UTC(2026, 9, 14, 12, 0, 0)
let mock: MockAnthropic
beforeEach(async () => {
  mock = await startMockAnthropic({ ...baseConfig(), now: () => NOW })
})
afterEach(() => mock.close())

interface ErrorJson {
  type: string
  error: { type: string; message: string; details?: Record<string, unknown> }
  request_id: string
}

async function expectError(res: Response, status: number, type: string): Promise<ErrorJson> {
  expect(res.status).toBe(status)
  expect(res.headers.get("content-type")).toBe("application/json")
  const body = (await res.json()) as ErrorJson
  expect(body.type).toBe("error")
  expect(body.error.type).toBe(type)
  expect(body.request_id).toBe(res.headers.get("request-id"))
  expect(body.request_id).toMatch(/^req_/)
  return body
}

describe("authentication", () => {
  it("401s a missing key, without organization or workspace headers", async () => {
    const res = await post(mock.url, HELLO, { key: "" })
    const body = await expectError(res, 401, "authentication_error")
    expect(body.error.message).toBe("x-api-key header is required")
    expect(res.headers.get("anthropic-organization-id")).toBeNull()
    expect(res.headers.get("anthropic-workspace-id")).toBeNull()
  })

  it("401s an unknown key and an unknown bearer token", async () => {
    const key = await expectError(
      await post(mock.url, HELLO, { key: "sk-ant-api03-test-unknown" }),
      401,
      "authentication_error",
    )
    expect(key.error.message).toBe("invalid x-api-key")
    const bearer = await post(mock.url, HELLO, {
      key: "",
      headers: { authorization: "Bearer sk-ant-oat01-test-nope" },
    })
    expect((await expectError(bearer, 401, "authentication_error")).error.message).toBe(
      "Invalid bearer token",
    )
  })

  it("accepts a configured bearer token, bound to its organization and workspace", async () => {
    mock.addCredential({
      label: "tok",
      token: "sk-ant-oat01-test-token",
      organizationId: ORG_A,
      workspaceId: "default",
    })
    const res = await post(mock.url, HELLO, {
      key: "",
      headers: { authorization: "Bearer sk-ant-oat01-test-token" },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get("anthropic-workspace-id")).toBe("wrkspc_a")
    expect(mock.requests.at(-1)?.credential).toMatchObject({ label: "tok", kind: "bearer" })
  })

  it("400s a missing anthropic-version once authenticated", async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY_A1, "content-type": "application/json" },
      body: JSON.stringify(HELLO),
    })
    expect((await expectError(res, 400, "invalid_request_error")).error.message).toBe(
      "anthropic-version: header is required",
    )
    expect(res.headers.get("anthropic-organization-id")).toBe(ORG_A)
  })

  it("400s an unknown anthropic-beta value, naming it", async () => {
    const res = await post(mock.url, HELLO, {
      headers: { "anthropic-beta": "oauth-2025-04-20, not-a-beta-2020-01-01" },
    })
    const body = await expectError(res, 400, "invalid_request_error")
    expect(body.error.message).toContain("`not-a-beta-2020-01-01`")
    expect(body.error.message).not.toContain("oauth-2025-04-20")
  })
})

describe("persistent states", () => {
  it("401s a revoked key and an expired key, and 401s a key past its expiresAt by the mock's clock", async () => {
    mock.setState({ credential: "a1" }, "revoked")
    await expectError(await post(mock.url, HELLO), 401, "authentication_error")
    mock.setState({ credential: "a1" }, "expired")
    await expectError(await post(mock.url, HELLO), 401, "authentication_error")
    expect(mock.requests.at(-1)?.credential).toMatchObject({ label: "a1", refused: true })

    mock.addCredential({
      label: "short",
      apiKey: "sk-ant-api03-test-short-lived",
      organizationId: ORG_A,
      expiresAt: NOW + 3 * 3600_000,
    })
    expect((await post(mock.url, HELLO, { key: "sk-ant-api03-test-short-lived" })).status).toBe(200)
    mock.advance(3 * 3600_000)
    await expectError(
      await post(mock.url, HELLO, { key: "sk-ant-api03-test-short-lived" }),
      401,
      "authentication_error",
    )
  })

  it("answers credit exhaustion with the verbatim 400 for every key of the organization", async () => {
    mock.setState({ organizationId: ORG_A }, "credit-exhausted")
    for (const key of [KEY_A1, KEY_A2]) {
      const body = await expectError(await post(mock.url, HELLO, { key }), 400, "invalid_request_error")
      expect(body.error.message).toBe(CREDIT_TOO_LOW_MESSAGE)
    }
    expect((await post(mock.url, HELLO, { key: KEY_B1 })).status).toBe(200)
  })

  it("answers the user's own spend limit with a 400 naming the 1st of next month", async () => {
    mock.setState({ credential: "a1" }, "spend-limit")
    const body = await expectError(await post(mock.url, HELLO), 400, "invalid_request_error")
    expect(body.error.message).toBe(
      "You have reached your specified API usage limits. You will regain access on 2026-11-01 at 00:00 UTC.",
    )
  })

  it("uses the workspace wording for a workspace spend limit", async () => {
    const m = await startMockAnthropic({
      organizations: [{ id: ORG_A, workspaces: [{ id: "wrkspc_ci", state: "spend-limit" }] }],
      credentials: [{ label: "ci", apiKey: KEY_A1, organizationId: ORG_A, workspaceId: "wrkspc_ci" }],
      now: () => NOW,
    })
    try {
      const res = await post(m.url, HELLO)
      const body = await expectError(res, 400, "invalid_request_error")
      expect(body.error.message).toMatch(/^You have reached your specified workspace API usage limits\./)
      expect(res.headers.get("anthropic-workspace-id")).toBe("wrkspc_ci")
    } finally {
      await m.close()
    }
  })

  it("answers billing trouble with 402 billing_error", async () => {
    mock.setState({ credential: "a1" }, "billing")
    await expectError(await post(mock.url, HELLO), 402, "billing_error")
  })

  it("answers the spend cap with a 429 carrying enforced_spend_limit_reached and no retry-after", async () => {
    mock.setState({ organizationId: ORG_A }, "spend-cap")
    const res = await post(mock.url, HELLO)
    const body = await expectError(res, 429, "rate_limit_error")
    expect(body.error.details).toEqual({ error_code: "enforced_spend_limit_reached" })
    expect(body.error.message).toMatch(
      /^You have reached your API usage limits: your organization has crossed its monthly API usage threshold/,
    )
    expect(res.headers.get("retry-after")).toBeNull()
  })

  it("403s only the denied models when a permission state names them", async () => {
    mock.setState({ credential: "a1" }, "permission", { deniedModels: ["class:opus-4"] })
    await expectError(await post(mock.url, { ...HELLO, model: "claude-opus-4-7" }), 403, "permission_error")
    expect((await post(mock.url, HELLO)).status).toBe(200)
    mock.setState({ credential: "a1" }, "active")
    expect((await post(mock.url, { ...HELLO, model: "claude-opus-4-7" })).status).toBe(200)
  })
})

describe("scripted errors", () => {
  it.each<[MockErrorName, number, string]>([
    ["authentication", 401, "authentication_error"],
    ["permission", 403, "permission_error"],
    ["credit-exhausted", 400, "invalid_request_error"],
    ["spend-limit", 400, "invalid_request_error"],
    ["billing", 402, "billing_error"],
    ["not-found", 404, "not_found_error"],
    ["request-too-large", 413, "request_too_large"],
    ["spend-cap", 429, "rate_limit_error"],
    ["api-error", 500, "api_error"],
    ["timeout", 504, "timeout_error"],
    ["overloaded", 529, "overloaded_error"],
  ])("%s → %i %s, once", async (error, status, type) => {
    mock.script({ respond: { kind: "error", error } })
    const res = await post(mock.url, HELLO)
    await expectError(res, status, type)
    expect(res.headers.get("retry-after")).toBeNull()
    expect(mock.requests.at(-1)?.response).toMatchObject({
      status,
      scenario: `error:${error}`,
      errorType: type,
    })
    expect((await post(mock.url, HELLO)).status).toBe(200)
  })

  it("429 rate_limit_error with retry-after (default 1 s), retry-after-ms and an empty requests bucket in the headers", async () => {
    mock.script({ respond: { kind: "error", error: "rate-limit", retryAfter: 7, retryAfterMs: 6500 } })
    const res = await post(mock.url, HELLO)
    const body = await expectError(res, 429, "rate_limit_error")
    expect(body.error.message).toContain(`your organization (${ORG_A})`)
    expect(res.headers.get("retry-after")).toBe("7")
    expect(res.headers.get("retry-after-ms")).toBe("6500")
    expect(res.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0")
    expect(res.headers.get("anthropic-ratelimit-requests-reset")).toBe(
      new Date(NOW + 7000).toISOString().replace(".000", ""),
    )
    expect(res.headers.get("anthropic-organization-id")).toBe(ORG_A)

    mock.script({ respond: { kind: "error", error: "rate-limit" } })
    expect((await post(mock.url, HELLO)).headers.get("retry-after")).toBe("1")
  })

  it("429 without retry-after when asked, and x-should-retry when asked", async () => {
    mock.script({ respond: { kind: "error", error: "rate-limit", retryAfter: null, shouldRetry: false } })
    const res = await post(mock.url, HELLO)
    await expectError(res, 429, "rate_limit_error")
    expect(res.headers.get("retry-after")).toBeNull()
    expect(res.headers.get("x-should-retry")).toBe("false")
  })

  it("matches by credential, organization and model, honours skip and times, and keeps unmatched requests untouched", async () => {
    mock.script(
      { match: { credential: "a2" }, respond: { kind: "error", error: "overloaded" }, times: 2 },
      {
        match: { organizationId: "org-b", model: "class:sonnet-4" },
        skip: 1,
        respond: { kind: "error", error: "api-error" },
      },
    )
    expect((await post(mock.url, HELLO, { key: KEY_A1 })).status).toBe(200)
    expect((await post(mock.url, HELLO, { key: KEY_A2 })).status).toBe(529)
    expect((await post(mock.url, HELLO, { key: KEY_A2 })).status).toBe(529)
    expect((await post(mock.url, HELLO, { key: KEY_A2 })).status).toBe(200)
    expect((await post(mock.url, { ...HELLO, model: "claude-opus-4-5" }, { key: KEY_B1 })).status).toBe(200)
    expect((await post(mock.url, HELLO, { key: KEY_B1 })).status).toBe(200)
    expect((await post(mock.url, HELLO, { key: KEY_B1 })).status).toBe(500)
    expect(mock.pendingScenarios()).toEqual([])
  })

  it("repeats a scenario with times: always", async () => {
    mock.script({ respond: { kind: "error", error: "overloaded" }, times: "always" })
    for (let i = 0; i < 3; i++) expect((await post(mock.url, HELLO)).status).toBe(529)
    mock.clearScenarios()
    expect((await post(mock.url, HELLO)).status).toBe(200)
  })

  it("sends any status and body with kind http", async () => {
    mock.script({
      respond: { kind: "http", status: 418, headers: { "x-teapot": "1" }, body: { brewing: true } },
    })
    const res = await post(mock.url, HELLO)
    expect(res.status).toBe(418)
    expect(res.headers.get("x-teapot")).toBe("1")
    expect(await res.json()).toEqual({ brewing: true })
  })
})

describe("caller errors", () => {
  it("413s a body over the size limit before authentication", async () => {
    const small = await startMockAnthropic({ ...baseConfig(), maxBodyBytes: 1024 })
    try {
      const res = await post(
        small.url,
        { ...HELLO, messages: [{ role: "user", content: "x".repeat(2000) }] },
        { key: "" },
      )
      await expectError(res, 413, "request_too_large")
      expect(res.headers.get("anthropic-organization-id")).toBeNull()
    } finally {
      await small.close()
    }
  })

  it("404s an unknown path, and an unknown model when strictModels is on", async () => {
    await expectError(await post(mock.url, HELLO, { path: "/v1/nothing" }), 404, "not_found_error")
    const strict = await startMockAnthropic({ ...baseConfig(), strictModels: true })
    try {
      const body = await expectError(
        await post(strict.url, { ...HELLO, model: "claude-mock-1" }),
        404,
        "not_found_error",
      )
      expect(body.error.message).toBe("model: claude-mock-1")
    } finally {
      await strict.close()
    }
  })

  it("400s missing fields and invalid tool names the way the API words them", async () => {
    const { max_tokens: _, ...noMax } = HELLO
    expect((await expectError(await post(mock.url, noMax), 400, "invalid_request_error")).error.message).toBe(
      "max_tokens: Field required",
    )
    const tools = [{ name: "read file", input_schema: { type: "object" } }]
    expect(
      (await expectError(await post(mock.url, { ...HELLO, tools }), 400, "invalid_request_error")).error
        .message,
    ).toBe("tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'")
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY_A1, "anthropic-version": "2023-06-01" },
      body: "{not json",
    })
    await expectError(res, 400, "invalid_request_error")
  })
})
