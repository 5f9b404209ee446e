import { describe, expect, it } from "vitest"
import { fixture, run, transcript } from "../test/support.ts"
import { createStreamObserver } from "./create-stream-observer.ts"
import { summarizeMessage } from "./summarize-message.ts"

const text = (name: string) => new TextDecoder().decode(fixture(name))

describe("summarizeMessage", () => {
  it("summarizes a non-streaming message, usage field by field", () => {
    const body = text("message.json")
    expect(summarizeMessage(JSON.parse(body))).toEqual({
      messageId: "msg_01JsonMessageExample00",
      model: "claude-sonnet-5",
      usage: {
        inputTokens: 2095,
        outputTokens: 503,
        cacheCreationTokens: 2048,
        cacheCreation5mTokens: 0,
        cacheCreation1hTokens: 2048,
        cacheReadTokens: 0,
        webSearchRequests: 0,
        webFetchRequests: 0,
        thinkingTokens: 0,
        serviceTier: "batch",
        inferenceGeo: "global",
        speed: null,
      },
      stopReason: "tool_use",
      sawMessageStop: true,
      error: null,
      truncated: false,
      end: "eof",
      timeToFirstByteMs: null,
      timeToFirstContentMs: null,
      bytes: 0,
      malformedEvents: 0,
    })
    expect(summarizeMessage(body)).toEqual({
      ...summarizeMessage(JSON.parse(body)),
      bytes: fixture("message.json").length,
    })
  })

  it("gives the stream observer's summary for the same message", async () => {
    const observer = createStreamObserver()
    await run(observer, [transcript("tool-use")])
    const streamed = await observer.summary
    const message = {
      id: streamed.messageId,
      type: "message",
      model: streamed.model,
      stop_reason: "tool_use",
      usage: { input_tokens: 472, output_tokens: 89 },
    }
    const {
      bytes: _a,
      timeToFirstByteMs: _b,
      timeToFirstContentMs: _c,
      ...fromJson
    } = summarizeMessage(message)
    const { bytes: _d, timeToFirstByteMs: _e, timeToFirstContentMs: _f, ...fromStream } = streamed
    expect(fromJson).toEqual(fromStream)
  })

  it("fills error from an error body", () => {
    expect(summarizeMessage(text("error.json"))).toMatchObject({
      error: {
        type: "invalid_request_error",
        message:
          "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        requestId: "req_011CJsonErrorExample000000",
      },
      sawMessageStop: false,
      malformedEvents: 0,
    })
  })

  it("counts anything else as malformed instead of throwing", () => {
    for (const body of ["<html>502 Bad Gateway</html>", "", null, 42, [], { type: "completion" }]) {
      expect(summarizeMessage(body)).toMatchObject({
        messageId: null,
        sawMessageStop: false,
        malformedEvents: 1,
      })
    }
    const odd = summarizeMessage({ type: "error", error: "boom" })
    expect(odd.error).toEqual({ message: '{"type":"error","error":"boom"}' })
    expect(odd.malformedEvents).toBe(1)
  })
})
