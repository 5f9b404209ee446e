import { connect } from "node:net"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { startCaptureServer } from "../src/mock/start-capture-server.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { baseConfig, HELLO, KEY_A1, parseSse, post, readChunks } from "./_helpers.ts"

const STREAM = { ...HELLO, stream: true }
const TOOL_REPLY = {
  content: [
    { type: "text" as const, text: "Je vérifie le dépôt — un instant." },
    { type: "tool_use" as const, name: "bash", input: { command: "ls ~/été", description: "liste ✓" } },
  ],
}

let mock: MockAnthropic
beforeEach(async () => {
  mock = await startMockAnthropic(baseConfig())
})
afterEach(() => mock.close())

const waitFor = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time")
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe("chunking", () => {
  it("sends uneven chunks that cut inside events and UTF-8, and decode to the same events as an unchunked stream", async () => {
    mock.setReply(TOOL_REPLY)
    // A 2 ms pause between writes keeps the client from reading two writes as one.
    mock.script({ respond: { kind: "reply", chunkDelayMs: 2 } })
    const res = await post(mock.url, STREAM)
    const chunks = await readChunks(res)
    expect(chunks.length).toBeGreaterThan(5)
    const bytes = Buffer.concat(chunks)
    const chunked = parseSse(bytes.toString("utf8"))

    const whole = await startMockAnthropic({ ...baseConfig(), chunking: false, reply: TOOL_REPLY })
    try {
      const plain = parseSse(await (await post(whole.url, STREAM)).text())
      const strip = (events: typeof plain) =>
        events.map((e) => {
          const data = structuredClone(e.data) as Record<string, Record<string, unknown>>
          if (data["message"]) data["message"]["id"] = "msg"
          if (data["content_block"]?.["id"]) data["content_block"]["id"] = "toolu"
          return { event: e.event, data }
        })
      const join = (events: typeof plain) =>
        events
          .filter((e) => e.event === "content_block_delta")
          .map((e) => JSON.stringify(e.data["delta"]).replace(/"(text|partial_json)":".*"/, "$1"))
      // Same event sequence and shapes; fragment boundaries may differ (they are random too).
      expect(
        strip(chunked)
          .map((e) => e.event)
          .filter((n) => n !== "content_block_delta"),
      ).toEqual(
        strip(plain)
          .map((e) => e.event)
          .filter((n) => n !== "content_block_delta"),
      )
      expect(new Set(join(chunked))).toEqual(new Set(join(plain)))
      const text = (events: typeof plain, type: string, field: string) =>
        events
          .filter((e) => (e.data["delta"] as { type?: string } | undefined)?.type === type)
          .map((e) => (e.data["delta"] as Record<string, string>)[field])
          .join("")
      expect(text(chunked, "text_delta", "text")).toBe(text(plain, "text_delta", "text"))
      expect(JSON.parse(text(chunked, "input_json_delta", "partial_json"))).toEqual(
        TOOL_REPLY.content[1]!.input,
      )
    } finally {
      await whole.close()
    }
  })

  it("repeats the same chunk boundaries for the same seed", async () => {
    const sizes = async (seed: number) => {
      const m = await startMockAnthropic({ ...baseConfig(), seed })
      try {
        return (await readChunks(await post(m.url, STREAM))).map((c) => c.length).join(",")
      } finally {
        await m.close()
      }
    }
    expect(await sizes(9)).toBe(await sizes(9))
  })

  it("answers JSON with the same content as the stream", async () => {
    mock.setReply(TOOL_REPLY)
    const body = (await (await post(mock.url, HELLO)).json()) as { content: unknown[]; stop_reason: string }
    expect(body.stop_reason).toBe("tool_use")
    expect(body.content).toMatchObject(TOOL_REPLY.content)
  })
})

describe("stream faults", () => {
  it("sends event: error after N events and ends without message_stop", async () => {
    mock.script({ respond: { kind: "reply", errorAfterEvents: 4 } })
    const events = parseSse(await (await post(mock.url, STREAM)).text())
    expect(events).toHaveLength(5)
    expect(events.at(-1)).toMatchObject({
      event: "error",
      data: { type: "error", error: { type: "overloaded_error", message: "Overloaded", details: null } },
    })
    expect(events.some((e) => e.event === "message_stop")).toBe(false)
    expect(mock.requests[0]?.response).toMatchObject({
      status: 200,
      outcome: "error-event",
      scenario: "reply",
    })
  })

  it("answers a non-streaming request that would fail mid-stream with the error's status", async () => {
    mock.script({ respond: { kind: "reply", errorAfterEvents: 2, errorName: "api-error" } })
    const res = await post(mock.url, HELLO)
    expect(res.status).toBe(500)
  })

  it("ends cleanly without message_stop (EOF mid-stream)", async () => {
    mock.script({ respond: { kind: "reply", endAfterEvents: 5 } })
    const events = parseSse(await (await post(mock.url, STREAM)).text())
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
    ])
  })

  it("cuts a JSON body short, so the client sees an error rather than a message", async () => {
    mock.script({ respond: { kind: "reply", endAfterEvents: 1 } })
    const res = await post(mock.url, HELLO)
    await expect(res.text()).rejects.toThrow()
  })

  it("paces a slow stream by chunkDelayMs", async () => {
    mock.script({ respond: { kind: "reply", chunkDelayMs: 15, chunking: false } })
    const started = Date.now()
    const events = parseSse(await (await post(mock.url, STREAM)).text())
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * (events.length - 1))
  })

  it("stalls after the headers until the client aborts, then frees the connection", async () => {
    mock.script({ respond: { kind: "reply", stallAfterEvents: 2 } })
    const abort = new AbortController()
    const res = await post(mock.url, STREAM, { signal: abort.signal })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    let text = ""
    while (!text.endsWith('data: {"type":"ping"}\n\n'))
      text += new TextDecoder().decode((await reader.read()).value)
    const pending = reader.read()
    const raced = await Promise.race([
      pending.then(() => "data"),
      new Promise((r) => setTimeout(() => r("silence"), 150)),
    ])
    expect(raced).toBe("silence")
    expect(mock.requests[0]?.response?.outcome).toBe("stalled")
    abort.abort()
    await expect(pending).rejects.toThrow()
    await waitFor(async () => (await mock.openConnections()) === 0)
    await waitFor(() => mock.requests[0]?.response?.finishedAt !== undefined)
  })

  it("stalls with headers only (stallAfterEvents: 0)", async () => {
    mock.script({ respond: { kind: "reply", stallAfterEvents: 0 } })
    const abort = new AbortController()
    const res = await post(mock.url, STREAM, { signal: abort.signal })
    expect(res.headers.get("anthropic-ratelimit-requests-limit")).toBe("1000")
    abort.abort()
    await waitFor(async () => (await mock.openConnections()) === 0)
  })

  it("hangs before the headers until the client gives up", async () => {
    mock.script({ respond: { kind: "hang" } })
    await expect(post(mock.url, STREAM, { signal: AbortSignal.timeout(100) })).rejects.toThrow()
    await waitFor(async () => (await mock.openConnections()) === 0)
    expect(mock.requests[0]?.response?.outcome).toBe("hung")
  })

  it("closes its side when a client half-closes during a stall, instead of waiting forever", async () => {
    mock.script({ respond: { kind: "reply", stallAfterEvents: 1 } })
    const socket = connect(mock.port, "127.0.0.1")
    const body = JSON.stringify(STREAM)
    socket.write(
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY_A1}\r\nanthropic-version: 2023-06-01\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    socket.on("data", () => {})
    await waitFor(() => mock.requests[0]?.response?.outcome === "stalled")
    socket.end()
    await new Promise((r) => socket.once("close", r))
    await waitFor(async () => (await mock.openConnections()) === 0)
    expect(mock.requests[0]?.response?.outcome).toBe("stalled")
  })

  it("resets the connection before the headers", async () => {
    mock.script({ respond: { kind: "reset" } })
    const error = await post(mock.url, STREAM).catch((e: Error) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as Error & { cause?: { code?: string } }).cause?.code)).toMatch(
      /ECONNRESET|UND_ERR_SOCKET/,
    )
    expect(mock.requests[0]?.response?.outcome).toBe("reset")
    expect((await post(mock.url, STREAM)).status).toBe(200)
  })

  it("resets the connection mid-body", async () => {
    mock.script({ respond: { kind: "reply", resetAfterEvents: 3 } })
    const res = await post(mock.url, STREAM)
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
    expect(mock.requests[0]?.response?.outcome).toBe("reset")
  })

  it("delays the headers by headersDelayMs", async () => {
    mock.script({ respond: { kind: "reply", headersDelayMs: 120 } })
    const started = Date.now()
    await post(mock.url, STREAM)
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
  })
})

describe("redirects", () => {
  it.each([301, 302, 307, 308] as const)(
    "answers %i with a location and no organization headers",
    async (status) => {
      const capture = await startCaptureServer()
      try {
        mock.script({ respond: { kind: "redirect", status, location: `${capture.url}/v1/messages` } })
        const res = await fetch(`${mock.url}/v1/messages`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "x-api-key": "sk-ant-api03-test-a1-aaaaaaaaaaaaaaaaaaaa",
            "anthropic-version": "2023-06-01",
          },
          body: JSON.stringify(HELLO),
        })
        expect(res.status).toBe(status)
        expect(res.headers.get("location")).toBe(`${capture.url}/v1/messages`)
        expect(res.headers.get("anthropic-organization-id")).toBeNull()
        expect(capture.requests).toHaveLength(0)
      } finally {
        await capture.close()
      }
    },
  )

  it("lets a test see what a client that follows redirects sends to the other origin", async () => {
    const capture = await startCaptureServer()
    try {
      mock.script({ respond: { kind: "redirect", status: 307, location: `${capture.url}/elsewhere?x=1` } })
      const res = await post(mock.url, HELLO) // fetch follows redirects by default
      expect(res.status).toBe(200)
      expect(capture.requests).toHaveLength(1)
      expect(capture.requests[0]).toMatchObject({ method: "POST", url: "/elsewhere?x=1" })
      // undici drops authorization across origins but not x-api-key: exactly what keyrelay must prevent.
      expect(capture.requests[0]!.headers["x-api-key"]).toBeDefined()
    } finally {
      await capture.close()
    }
  })
})
