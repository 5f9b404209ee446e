import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiMessage, DEFAULT_REPLY_TEXT } from "../src/mock/build-message.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { baseConfig, HELLO, KEY_A1, ORG_A, parseSse, post, viaSocket } from "./_helpers.ts"

let mock: MockAnthropic
beforeEach(async () => {
  mock = await startMockAnthropic(baseConfig())
})
afterEach(() => mock.close())

describe("POST /v1/messages (JSON)", () => {
  it("answers a message with identifying headers and usage", async () => {
    const res = await post(mock.url, HELLO)
    expect(res.status).toBe(200)
    expect(res.headers.get("request-id")).toMatch(/^req_011C[0-9A-Za-z]{20}$/)
    expect(res.headers.get("anthropic-organization-id")).toBe(ORG_A)
    expect(res.headers.get("anthropic-workspace-id")).toBe("wrkspc_a")
    const body = (await res.json()) as ApiMessage
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929", // the alias resolved, as the API does
      content: [{ type: "text", text: DEFAULT_REPLY_TEXT }],
      stop_reason: "end_turn",
      stop_sequence: null,
    })
    expect(body.id).toMatch(/^msg_01/)
    expect(body.usage.input_tokens).toBeGreaterThan(0)
    expect(body.usage.output_tokens).toBe(Math.ceil(Buffer.byteLength(DEFAULT_REPLY_TEXT) / 4))
  })
})

describe("POST /v1/messages (stream)", () => {
  it("streams the events of reference §1 in order, each with event: and data: of the same type", async () => {
    const res = await post(mock.url, { ...HELLO, stream: true })
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
    const events = parseSse(await res.text())
    const names = events.map((e) => e.event)
    expect(names[0]).toBe("message_start")
    expect(names[1]).toBe("ping")
    expect(names.at(-2)).toBe("message_delta")
    expect(names.at(-1)).toBe("message_stop")
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { text: string }).text)
      .join("")
    expect(text).toBe(DEFAULT_REPLY_TEXT)
  })
})

describe("the unix socket", () => {
  it("serves the same API with the same state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mock-sock-"))
    const socketPath = join(dir, "mock.sock")
    const withSocket = await startMockAnthropic({ ...baseConfig(), socketPath })
    try {
      const res = await viaSocket(socketPath, "/v1/messages", HELLO, {
        "x-api-key": KEY_A1,
        "anthropic-version": "2023-06-01",
      })
      expect(res.status).toBe(200)
      expect(res.headers["anthropic-organization-id"]).toBe(ORG_A)
      expect(withSocket.requests[0]).toMatchObject({ viaSocket: true, credential: { label: "a1" } })
      await post(withSocket.url, HELLO)
      expect(withSocket.requests.map((r) => r.viaSocket)).toEqual([true, false])
    } finally {
      await withSocket.close()
    }
  })
})
