import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  chunksOf,
  collect,
  collectDetaching,
  concat,
  eventually,
  run,
  sameBytes,
  splitAt,
  steppingClock,
  streamOf,
  TRANSCRIPTS,
  thrownBy,
  transcript,
  utf8,
} from "../test/support.ts"
import { createStreamObserver, type StreamObserverEvent } from "./create-stream-observer.ts"
import { isSseTransformError, SSE_TRANSFORM_ERROR_CODES } from "./sse-transform-error.ts"
import type { StreamSummary, StreamUsage } from "./stream-summary.ts"

const NO_USAGE: StreamUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationTokens: 0,
  cacheCreation5mTokens: 0,
  cacheCreation1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
  thinkingTokens: 0,
  serviceTier: null,
  inferenceGeo: null,
  speed: null,
}

function complete(
  messageId: string,
  model: string,
  usage: Partial<StreamUsage>,
  stopReason: string | null,
): Partial<StreamSummary> {
  return {
    messageId,
    model,
    usage: { ...NO_USAGE, ...usage },
    stopReason,
    sawMessageStop: true,
    truncated: false,
  }
}

// What each recorded transcript must summarize to (timings and sizes are checked separately).
const EXPECTED: Record<string, Partial<StreamSummary>> = {
  text: complete(
    "msg_01TextExample0000000000",
    "claude-opus-4-6",
    { inputTokens: 25, outputTokens: 15 },
    "end_turn",
  ),
  "tool-use": complete(
    "msg_01ToolUseExample000000",
    "claude-sonnet-5",
    { inputTokens: 472, outputTokens: 89 },
    "tool_use",
  ),
  // The documented thinking example has no usage in message_start: every field comes from message_delta.
  thinking: complete(
    "msg_01ThinkingExample00000",
    "claude-opus-4-6",
    { outputTokens: 217, thinkingTokens: 160 },
    "end_turn",
  ),
  citations: complete(
    "msg_01CitationsExample0000",
    "claude-sonnet-4-6",
    { inputTokens: 1430, outputTokens: 42, serviceTier: "standard" },
    "end_turn",
  ),
  // The final message_delta repeats input and server tool use; it wins over message_start.
  "web-search": complete(
    "msg_01WebSearchExample0000",
    "claude-opus-4-8",
    {
      inputTokens: 10682,
      outputTokens: 510,
      webSearchRequests: 1,
      webFetchRequests: 1,
      serviceTier: "standard",
    },
    "end_turn",
  ),
  // Nulls in a message_delta keep the earlier value; the last message_delta overrides field by field.
  "cache-usage": complete(
    "msg_01CacheUsageExample000",
    "claude-opus-5-5",
    {
      inputTokens: 6,
      outputTokens: 21,
      cacheCreationTokens: 42203,
      cacheCreation5mTokens: 10099,
      cacheCreation1hTokens: 32104,
      cacheReadTokens: 1300,
      serviceTier: "priority",
      inferenceGeo: "us",
      speed: "fast",
    },
    "max_tokens",
  ),
  "code-execution": complete(
    "msg_01CodeExecExample00000",
    "claude-sonnet-5-5",
    { inputTokens: 3120, outputTokens: 64 },
    "pause_turn",
  ),
  "unknown-events": complete(
    "msg_01UnknownEventsExample",
    "claude-fable-5-1",
    { inputTokens: 40, outputTokens: 7 },
    "refusal",
  ),
  "error-mid-stream": {
    messageId: "msg_01ErrorExample0000000",
    model: "claude-opus-4-8",
    usage: { ...NO_USAGE, inputTokens: 812, outputTokens: 1 },
    stopReason: null,
    sawMessageStop: false,
    error: { type: "overloaded_error", message: "Overloaded", requestId: "req_011CErrorExample00000000" },
    truncated: true,
  },
  truncated: {
    messageId: "msg_01TruncatedExample000",
    model: "claude-haiku-5-5",
    usage: { ...NO_USAGE, inputTokens: 96, outputTokens: 1 },
    stopReason: null,
    sawMessageStop: false,
    error: null,
    truncated: true,
  },
}

async function observe(chunks: readonly Uint8Array[], now = steppingClock()) {
  const observer = createStreamObserver({ now })
  const output = await run(observer, chunks)
  return { output, summary: await observer.summary }
}

describe("createStreamObserver", () => {
  it("has an expected summary for every recorded transcript", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...TRANSCRIPTS])
  })

  for (const name of TRANSCRIPTS) {
    it(`summarizes ${name}.sse and passes its bytes unchanged`, async () => {
      const bytes = transcript(name)
      const { output, summary } = await observe([bytes])
      expect(sameBytes(output, bytes)).toBe("equal")
      expect(summary).toEqual({
        error: null,
        ...EXPECTED[name],
        end: "eof",
        timeToFirstByteMs: 10,
        timeToFirstContentMs: 20,
        bytes: bytes.length,
        malformedEvents: 0,
      })
    })
  }

  it("gives byte-identical output and an identical summary however any transcript is split", async () => {
    const whole = new Map<string, StreamSummary>()
    for (const name of TRANSCRIPTS) whole.set(name, (await observe([transcript(name)])).summary)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TRANSCRIPTS),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (name, cuts) => {
          const bytes = transcript(name)
          const { output, summary } = await observe(splitAt(bytes, cuts))
          expect(sameBytes(output, bytes)).toBe("equal")
          expect(summary).toEqual(whole.get(name))
        },
      ),
      { numRuns: 300 },
    )
  })

  it("reads CRLF and CR line ends and a leading BOM the same as LF, byte by byte too", async () => {
    const lf = new TextDecoder().decode(transcript("web-search"))
    const expected = (await observe([utf8.encode(lf)])).summary
    for (const text of [lf.replaceAll("\n", "\r\n"), lf.replaceAll("\n", "\r"), `\uFEFF${lf}`]) {
      const bytes = utf8.encode(text)
      for (const chunks of [[bytes], chunksOf(bytes, 1), chunksOf(bytes, 7)]) {
        const { output, summary } = await observe(chunks)
        expect(sameBytes(output, bytes)).toBe("equal")
        expect(summary).toEqual({ ...expected, bytes: bytes.length })
      }
    }
  })

  it("counts malformed data in the events it reads, and never errors the stream", async () => {
    const text = [
      "event: message_start\ndata: {not json\n\n",
      'event: message_delta\ndata: ["an array"]\n\n',
      'event: message_start\ndata: {"type":"message_start"}\n\n',
      'event: message_start\ndata: {"message":{"id":"msg_ok","model":"m","usage":{"input_tokens":"12","output_tokens":-1}}}\n\n',
      "event: content_block_delta\ndata: {also not json but never read\n\n",
      'event: message_delta\ndata: {"delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}\n\n',
    ].join("")
    const bytes = utf8.encode(text)
    const { output, summary } = await observe([bytes])
    expect(sameBytes(output, bytes)).toBe("equal")
    expect(summary).toMatchObject({
      messageId: "msg_ok",
      model: "m",
      usage: { ...NO_USAGE, outputTokens: 3 },
      stopReason: "end_turn",
      malformedEvents: 3,
      truncated: true,
    })
  })

  it("keeps an error event whose data is not the usual envelope", async () => {
    const { summary } = await observe([utf8.encode("event: error\ndata: upstream connect error\n\n")])
    expect(summary.error).toEqual({ message: "upstream connect error" })
    expect(summary.malformedEvents).toBe(1)
  })

  it("passes arbitrary bytes through unchanged and always settles its summary", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bytes, cuts) => {
          const { output, summary } = await observe(splitAt(bytes, cuts))
          expect(sameBytes(output, bytes)).toBe("equal")
          expect(summary.bytes).toBe(bytes.length)
          expect(summary.end).toBe("eof")
        },
      ),
      { numRuns: 300 },
    )
  })

  it("passes a 10 MB line unchanged and still reads the events around it", async () => {
    const big = utf8.encode(`event: content_block_delta\ndata: ${"x".repeat(10 * 1024 * 1024)}\n\n`)
    const bytes = concat([big, transcript("text")])
    const { output, summary } = await observe(chunksOf(bytes, 64 * 1024))
    expect(sameBytes(output, bytes)).toBe("equal")
    expect(summary).toMatchObject({
      sawMessageStop: true,
      messageId: "msg_01TextExample0000000000",
      malformedEvents: 0,
    })
    const unended = utf8.encode(`data: ${"y".repeat(10 * 1024 * 1024)}`)
    const rest = await observe(chunksOf(unended, 16 * 1024))
    expect(sameBytes(rest.output, unended)).toBe("equal")
    expect(rest.summary).toMatchObject({ truncated: true, malformedEvents: 0 })
  })

  it("counts an event it needs that is larger than maxEventBytes, and reads the rest", async () => {
    const huge = `event: message_start\ndata: {"message":{"id":"${"m".repeat(400)}"}}\n\n`
    const bytes = concat([utf8.encode(huge), transcript("text")])
    const observer = createStreamObserver({ maxEventBytes: 256 })
    const output = await run(observer, chunksOf(bytes, 100))
    expect(sameBytes(output, bytes)).toBe("equal")
    expect(await observer.summary).toMatchObject({
      malformedEvents: 1,
      sawMessageStop: true,
      stopReason: "end_turn",
    })
  })

  it("measures time to first byte and to first content from startedAt with the injected clock", async () => {
    const times = [5_000, 5_040, 5_090]
    const observer = createStreamObserver({ now: () => times.shift() ?? 9_999, startedAt: 4_000 })
    await run(observer, [transcript("text")])
    expect(await observer.summary).toMatchObject({ timeToFirstByteMs: 1_000, timeToFirstContentMs: 1_040 })
    const empty = createStreamObserver({ now: steppingClock() })
    await run(empty, [])
    expect(await empty.summary).toMatchObject({
      timeToFirstByteMs: null,
      timeToFirstContentMs: null,
      bytes: 0,
    })
  })

  it("reports what it learns through onEvent, in stream order", async () => {
    const seen: StreamObserverEvent[] = []
    const observer = createStreamObserver({ now: steppingClock(), onEvent: (e) => seen.push(e) })
    await run(observer, chunksOf(transcript("error-mid-stream"), 50))
    expect(seen).toEqual([
      { kind: "first-byte", elapsedMs: 10 },
      {
        kind: "message-start",
        messageId: "msg_01ErrorExample0000000",
        model: "claude-opus-4-8",
        usage: { ...NO_USAGE, inputTokens: 812, outputTokens: 1 },
      },
      { kind: "first-content", elapsedMs: 20 },
      {
        kind: "error",
        error: { type: "overloaded_error", message: "Overloaded", requestId: "req_011CErrorExample00000000" },
      },
    ])
    const deltas: StreamObserverEvent[] = []
    const again = createStreamObserver({ onEvent: (e) => e.kind === "message-delta" && deltas.push(e) })
    await run(again, [transcript("cache-usage")])
    expect(deltas.map((e) => e.kind === "message-delta" && [e.stopReason, e.usage.outputTokens])).toEqual([
      [null, 9],
      ["max_tokens", 21],
    ])
  })

  it("survives an onEvent that throws: the bytes flow, the error is in the summary, no further calls", async () => {
    const failure = new Error("callback bug")
    let calls = 0
    const observer = createStreamObserver({
      onEvent: () => {
        calls++
        throw failure
      },
    })
    const bytes = transcript("text")
    expect(sameBytes(await run(observer, chunksOf(bytes, 30)), bytes)).toBe("equal")
    const summary = await observer.summary
    expect(calls).toBe(1)
    expect(summary.callbackError).toBe(failure)
    expect(summary).toMatchObject({ sawMessageStop: true, usage: { outputTokens: 15 } })
  })

  it("settles as 'abort' with truncated set when the source fails mid-stream, and passes the failure on", async () => {
    const failure = new Error("socket hang up")
    const bytes = transcript("text")
    let pulls = 0
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(bytes.slice(0, 400))
        else controller.error(failure)
      },
    })
    const observer = createStreamObserver()
    await expect(collect(source.pipeThrough(observer))).rejects.toBe(failure)
    expect(await observer.summary).toMatchObject({
      end: "abort",
      truncated: true,
      sawMessageStop: false,
      messageId: "msg_01TextExample0000000000",
      bytes: 400,
    })
  })

  it("settles as 'cancel' without truncated when the reader cancels, and cancels the source", async () => {
    let cancelled: unknown = "not cancelled"
    const bytes = transcript("text")
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 300))
      },
      cancel(reason) {
        cancelled = reason
      },
    })
    const observer = createStreamObserver()
    const reader = source.pipeThrough(observer).getReader()
    await reader.read()
    await reader.cancel("user pressed escape")
    expect(await observer.summary).toMatchObject({ end: "cancel", truncated: false, sawMessageStop: false })
    await eventually(() => cancelled, "user pressed escape")
  })

  it("settles when its writer aborts while a write waits for the reader", async () => {
    const observer = createStreamObserver()
    const writer = observer.writable.getWriter()
    void writer.write(transcript("text")).catch(() => {})
    void writer.write(transcript("text")).catch(() => {})
    await writer.abort(new Error("gone"))
    expect(await observer.summary).toMatchObject({ end: "abort", truncated: true })
  })

  it("holds back writes while nobody reads, instead of buffering without bound", async () => {
    const observer = createStreamObserver()
    const writer = observer.writable.getWriter()
    let settled = 0
    for (let i = 0; i < 50; i++) void writer.write(new Uint8Array(1024)).then(() => settled++)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(settled).toBeLessThanOrEqual(2)
    expect(writer.desiredSize).toBeLessThan(0)
    const reader = observer.readable.getReader()
    for (let i = 0; i < 50; i++) await reader.read()
    await eventually(() => settled, 50)
  })

  it("is not fooled by a reader that transfers the buffers it receives", async () => {
    const bytes = transcript("web-search")
    const observer = createStreamObserver({ now: steppingClock() })
    const received = await collectDetaching(streamOf(chunksOf(bytes, 37)).pipeThrough(observer))
    expect(sameBytes(received, bytes)).toBe("equal")
    expect(await observer.summary).toEqual((await observe([bytes])).summary)
  })

  it("fails the stream with ERR_SSE_INVALID_CHUNK on a chunk that is not bytes, and still settles", async () => {
    const observer = createStreamObserver()
    const source = new ReadableStream({
      start(controller) {
        controller.enqueue("event: ping\n\n")
        controller.close()
      },
    }) as unknown as ReadableStream<Uint8Array>
    const error = await collect(source.pipeThrough(observer)).catch((e: unknown) => e)
    expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.INVALID_CHUNK)
    expect(await observer.summary).toMatchObject({ end: "abort", bytes: 0 })
  })

  it("rejects options of the wrong type with ERR_SSE_INVALID_OPTIONS", () => {
    const bad = [
      { now: 5 },
      { onEvent: "log" },
      { maxEventBytes: 0 },
      { maxEventBytes: 1.5 },
      { startedAt: Number.NaN },
    ]
    for (const options of bad) {
      const error = thrownBy(() => createStreamObserver(options as never))
      expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS)
    }
  })
})
