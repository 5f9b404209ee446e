import { createObserverCore, type StreamObserverOptions } from "./_observer-core.ts"
import { createTransformPair } from "./_transform-pair.ts"
import type { StreamSummary } from "./stream-summary.ts"

export type { StreamObserverEvent, StreamObserverOptions } from "./_observer-core.ts"

/** A transform that passes every byte through unchanged, and the summary of what went through. */
export interface StreamObserver {
  /** The bytes, unchanged, for the caller. */
  readonly readable: ReadableStream<Uint8Array>
  /** Where the response body's bytes go. */
  readonly writable: WritableStream<Uint8Array>
  /**
   * Settles once the stream ends (end of input, a cancelled reader or an aborted writer) and never rejects.
   * It does not settle while the stream is neither read to the end nor cancelled.
   */
  readonly summary: Promise<StreamSummary>
}

/**
 * Observes an Anthropic Messages event stream without changing a byte: message id, model, usage, stop
 * reason, `message_stop`, mid-stream errors and timings. Malformed input is passed through and counted,
 * never fatal; unknown events are ignored; only the events the summary needs are decoded.
 *
 * @example
 * ```ts
 * const observer = createStreamObserver({ startedAt: Date.now() })
 * const body = response.body!.pipeThrough(observer)
 * // …hand `body` to the caller; once it has been read (or cancelled):
 * const { usage, stopReason, truncated, error } = await observer.summary
 * ```
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (event types and order, usage, errors)
 * @throws {SseTransformError} `ERR_SSE_INVALID_OPTIONS` when an option has the wrong type. The stream
 * fails with `ERR_SSE_INVALID_CHUNK` when something other than a Uint8Array is written to it.
 */
export function createStreamObserver(options: StreamObserverOptions = {}): StreamObserver {
  const core = createObserverCore("createStreamObserver", options)
  let settle!: (summary: StreamSummary) => void
  const summary = new Promise<StreamSummary>((resolve) => {
    settle = resolve
  })
  const { readable, writable } = createTransformPair({
    arrive: core.arrive,
    write(chunk, enqueue) {
      if (chunk.length === 0) return
      // Bytes first: what the observer learns from them never holds them back.
      enqueue(chunk)
      core.read(chunk)
    },
    close() {
      settle(core.end("eof"))
    },
    stop(how) {
      settle(core.end(how))
    },
  })
  return { readable, writable, summary }
}
