import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  chunksOf,
  detach,
  run,
  splitAt,
  steppingClock,
  TRANSCRIPTS,
  thrownBy,
  transcript,
} from "../test/support.ts"
import { createChunkObserver } from "./create-chunk-observer.ts"
import { createStreamObserver, type StreamObserverEvent } from "./create-stream-observer.ts"
import { isSseTransformError, SSE_TRANSFORM_ERROR_CODES } from "./sse-transform-error.ts"
import type { StreamSummary } from "./stream-summary.ts"

/** The stream observer's summary of `chunks`, the reference the chunk observer must match. */
async function streamed(chunks: readonly Uint8Array[]): Promise<StreamSummary> {
  const observer = createStreamObserver({ now: steppingClock() })
  await run(observer, chunks)
  return observer.summary
}

function pushed(chunks: readonly Uint8Array[]): StreamSummary {
  const observer = createChunkObserver({ now: steppingClock() })
  for (const chunk of chunks) observer.push(chunk)
  return observer.end("eof")
}

describe("createChunkObserver", () => {
  for (const name of TRANSCRIPTS) {
    it(`summarizes ${name}.sse exactly as the stream observer does`, async () => {
      const bytes = transcript(name)
      expect(pushed([bytes])).toEqual(await streamed([bytes]))
    })
  }

  it("gives the stream observer's summary however any transcript is split", async () => {
    const whole = new Map<string, StreamSummary>()
    for (const name of TRANSCRIPTS) whole.set(name, await streamed([transcript(name)]))
    fc.assert(
      fc.property(fc.constantFrom(...TRANSCRIPTS), fc.array(fc.nat(), { maxLength: 40 }), (name, cuts) => {
        expect(pushed(splitAt(transcript(name), cuts))).toEqual(whole.get(name))
      }),
      { numRuns: 300 },
    )
  })

  it("gives the same summary whether it reads the events as they come (onEvent) or at the end (no listener)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRANSCRIPTS),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.constantFrom("eof", "abort", "cancel") as fc.Arbitrary<"eof" | "abort" | "cancel">,
        (name, cuts, how) => {
          const chunks = splitAt(transcript(name), cuts)
          const listened = createChunkObserver({ now: steppingClock(), onEvent: () => {} })
          const unheard = createChunkObserver({ now: steppingClock() })
          for (const chunk of chunks) {
            listened.push(chunk)
            unheard.push(chunk)
          }
          expect(unheard.end(how)).toEqual(listened.end(how))
        },
      ),
      { numRuns: 300 },
    )
  })

  it("sums a long run of events in order, however many were waiting to be read", () => {
    const delta = (n: number) =>
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":${n}}}\n\n`
    const observer = createChunkObserver()
    for (let i = 1; i <= 1000; i++) observer.push(new TextEncoder().encode(delta(i)))
    expect(observer.end("eof").usage.outputTokens).toBe(1000)
  })

  it("keeps nothing of a chunk once push returns, so the caller may transfer it", async () => {
    const bytes = transcript("web-search")
    const observer = createChunkObserver({ now: steppingClock() })
    for (const chunk of chunksOf(bytes, 37)) {
      observer.push(chunk)
      detach(chunk)
    }
    expect(observer.end("eof")).toEqual(await streamed([bytes]))
  })

  it("tells onEvent what it learns, in the order the stream observer does", async () => {
    const chunks = chunksOf(transcript("error-mid-stream"), 50)
    const fromStream: StreamObserverEvent[] = []
    await run(createStreamObserver({ now: steppingClock(), onEvent: (e) => fromStream.push(e) }), chunks)
    const fromChunks: StreamObserverEvent[] = []
    const observer = createChunkObserver({ now: steppingClock(), onEvent: (e) => fromChunks.push(e) })
    for (const chunk of chunks) observer.push(chunk)
    observer.end("eof")
    expect(fromChunks).toEqual(fromStream)
    expect(fromChunks.map((e) => e.kind)).toEqual(["first-byte", "message-start", "first-content", "error"])
  })

  it("ends as the caller says: cancel is not a truncation, abort is; the first end decides", () => {
    const head = transcript("text").slice(0, 400)
    const cancelled = createChunkObserver()
    cancelled.push(head)
    expect(cancelled.end("cancel")).toMatchObject({ end: "cancel", truncated: false, bytes: 400 })
    const aborted = createChunkObserver()
    aborted.push(head)
    const summary = aborted.end("abort")
    expect(summary).toMatchObject({ end: "abort", truncated: true, messageId: "msg_01TextExample0000000000" })
    aborted.push(transcript("text").slice(400))
    expect(aborted.end("eof")).toBe(summary)
    expect(summary.bytes).toBe(400)
  })

  it("reads an event still pending at the end of a complete body, but not of a failed one", () => {
    // The last event of a transcript without its closing blank line: dispatched on eof only.
    const text = new TextDecoder().decode(transcript("text")).trimEnd()
    const bytes = new TextEncoder().encode(text)
    const eof = createChunkObserver()
    eof.push(bytes)
    expect(eof.end("eof")).toMatchObject({ sawMessageStop: true, truncated: false })
    const abort = createChunkObserver()
    abort.push(bytes)
    expect(abort.end("abort")).toMatchObject({ sawMessageStop: false, truncated: true })
  })

  it("has null timings and no bytes when nothing (or only empty chunks) arrived", () => {
    const observer = createChunkObserver({ now: steppingClock() })
    observer.push(new Uint8Array(0))
    expect(observer.end("eof")).toMatchObject({
      timeToFirstByteMs: null,
      timeToFirstContentMs: null,
      bytes: 0,
    })
  })

  it("throws ERR_SSE_INVALID_CHUNK for a chunk that is not bytes, and ERR_SSE_INVALID_OPTIONS for bad options", () => {
    const observer = createChunkObserver()
    const error = thrownBy(() => observer.push("event: ping\n\n" as unknown as Uint8Array))
    expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.INVALID_CHUNK)
    for (const options of [{ now: 5 }, { onEvent: "log" }, { maxEventBytes: 0 }, { startedAt: Number.NaN }]) {
      const thrown = thrownBy(() => createChunkObserver(options as never))
      expect(isSseTransformError(thrown) && thrown.code).toBe(SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS)
    }
  })
})
