import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { isTestUtilsError, TEST_UTILS_ERROR_CODES } from "../src/test-utils-error.ts"
import { baseConfig, HELLO, KEY_A1, KEY_A2, ORG_A, post } from "./_helpers.ts"

let mock: MockAnthropic
afterEach(() => mock.close())

describe("the request log", () => {
  it("records method, path, query, redacted headers, body, credential and answer, and writes JSONL", async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), "mock-log-")), "requests.jsonl")
    mock = await startMockAnthropic({ ...baseConfig(), logFile, now: () => 1_000 })
    await (await post(mock.url, HELLO, { path: "/v1/messages?beta=true" })).text()
    await (await post(mock.url, { ...HELLO, stream: true }, { key: KEY_A2 })).text()
    const [first, second] = await mock.waitForRequests(2)
    expect(first).toMatchObject({
      seq: 1,
      method: "POST",
      path: "/v1/messages",
      query: { beta: "true" },
      body: HELLO,
      receivedAt: 1_000,
      viaSocket: false,
      credential: { label: "a1", kind: "api-key", organizationId: ORG_A, workspaceId: "wrkspc_a" },
      response: { status: 200, stream: false, outcome: "complete" },
    })
    expect(first!.headers["x-api-key"]).toBe(`…${KEY_A1.slice(-4)}`)
    expect(first!.requestId).toMatch(/^req_/)
    expect(second!.response).toMatchObject({ stream: true, usage: { output_tokens: expect.any(Number) } })

    // A line is written when the server side of the response closes, which may trail the client a little.
    const read = () => (existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : [])
    for (let i = 0; i < 500 && read().length < 2; i++) await new Promise((r) => setTimeout(r, 10))
    const lines = read()
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, response: { status: 200 } })
    for (const text of [readFileSync(logFile, "utf8"), JSON.stringify(mock.requests)]) {
      expect(text).not.toContain(KEY_A1)
      expect(text).not.toContain(KEY_A2)
    }
  })

  it("waitForRequests times out with a stable code and a message that says what to check", async () => {
    mock = await startMockAnthropic(baseConfig())
    const error = await mock.waitForRequests(1, { timeoutMs: 30 }).catch((e: unknown) => e)
    expect(isTestUtilsError(error)).toBe(true)
    expect((error as { code: string }).code).toBe(TEST_UTILS_ERROR_CODES.WAIT_TIMEOUT)
    expect((error as Error).message).toMatch(/received 0 request\(s\) within 30 ms, expected 1/)
  })

  it("clearRequests empties the log; seq keeps counting", async () => {
    mock = await startMockAnthropic(baseConfig())
    await post(mock.url, HELLO)
    mock.clearRequests()
    expect(mock.requests).toHaveLength(0)
    await post(mock.url, HELLO)
    expect(mock.requests[0]?.seq).toBe(2)
  })
})

describe("control operations", () => {
  it("script the mock over HTTP exactly as in-process", async () => {
    mock = await startMockAnthropic({ ...baseConfig(), now: () => 0 })
    const control = async (op: unknown) => {
      const res = await fetch(`${mock.url}/_mock/control`, { method: "POST", body: JSON.stringify(op) })
      return { status: res.status, body: (await res.json()) as unknown }
    }
    expect(
      (await control({ op: "script", scenarios: [{ respond: { kind: "error", error: "overloaded" } }] }))
        .status,
    ).toBe(200)
    expect((await post(mock.url, HELLO)).status).toBe(529)
    await control({ op: "set-state", credential: "a1", state: "billing" })
    expect((await post(mock.url, HELLO)).status).toBe(402)
    expect((await control({ op: "advance", ms: 5000 })).body).toEqual({ now: 5000 })
    expect(mock.now()).toBe(5000)
    const requests = (await (await fetch(`${mock.url}/_mock/requests`)).json()) as unknown[]
    expect(requests).toHaveLength(2)
    expect(mock.requests).toHaveLength(2) // control calls are not logged
    const bad = await control({ op: "set-state", credential: "nobody", state: "revoked" })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({ error: expect.stringContaining('no credential labelled "nobody"') })
    expect((await control({ op: "fly" })).status).toBe(400)
  })

  it("can be switched off, and then /_mock/ is an ordinary unknown path", async () => {
    mock = await startMockAnthropic({ ...baseConfig(), control: false })
    const res = await fetch(`${mock.url}/_mock/requests`)
    expect(res.status).toBe(404)
    expect(mock.requests).toHaveLength(1)
  })
})

describe("configuration errors", () => {
  it("rejects inconsistent configs with ERR_TEST_UTILS_INVALID_CONFIG and never echoes a secret", async () => {
    const secret = "sk-ant-api03-test-duplicate-secret-value"
    const attempts = [
      {
        organizations: [{ id: ORG_A }],
        credentials: [{ label: "x", apiKey: secret, organizationId: "org-missing" }],
      },
      {
        organizations: [{ id: ORG_A }],
        credentials: [
          { label: "x", apiKey: secret, organizationId: ORG_A },
          { label: "y", apiKey: secret, organizationId: ORG_A },
        ],
      },
      { organizations: [{ id: ORG_A }], credentials: [{ label: "x", organizationId: ORG_A }] },
    ]
    for (const config of attempts) {
      const error = await startMockAnthropic(config).catch((e: unknown) => e)
      expect(isTestUtilsError(error)).toBe(true)
      expect((error as { code: string }).code).toBe(TEST_UTILS_ERROR_CODES.INVALID_CONFIG)
      expect((error as Error).message).not.toContain(secret)
    }
  })

  it("does not change the caller's config objects", async () => {
    const config = baseConfig()
    mock = await startMockAnthropic(config)
    mock.setState({ credential: "a1" }, "revoked")
    expect(config.credentials[0]).not.toHaveProperty("state")
  })
})
