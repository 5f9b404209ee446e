import { isBytes } from "./_is-bytes.ts"
import { createObserverCore, type StreamObserverOptions } from "./_observer-core.ts"
import { SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"
import type { StreamEnd, StreamSummary } from "./stream-summary.ts"

/** The observer without streams: you hand it each chunk of the body, and tell it how the body ended. */
export interface ChunkObserver {
  /**
   * Reads the next chunk of the body. The chunk is neither changed nor kept once this returns, so it may be
   * handed on (even transferred) afterwards. Chunks pushed after `end` are ignored.
   */
  push(chunk: Uint8Array): void
  /**
   * Ends the observation and returns the summary: `"eof"` when the body was read to its end, `"abort"` when
   * it failed, `"cancel"` when its reader gave up. The first call decides; later calls return the same summary.
   */
  end(how: StreamEnd): StreamSummary
}

/**
 * Observes an Anthropic Messages event stream that you read yourself: the same reading and the same summary
 * as `createStreamObserver`, without the `ReadableStream`/`WritableStream` pair around it. For a relay
 * that already holds each chunk (it pulls from the response and enqueues to its caller), this spares two
 * streams per response and a turn of the event loop per chunk.
 *
 * @example
 * ```ts
 * const observer = createChunkObserver({ startedAt: Date.now() })
 * const reader = response.body!.getReader()
 * for (let r = await reader.read(); !r.done; r = await reader.read()) observer.push(r.value)
 * const { usage, stopReason, truncated } = observer.end("eof")
 * ```
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (event types and order, usage, errors)
 * @throws {SseTransformError} `ERR_SSE_INVALID_OPTIONS` when an option has the wrong type; `push` throws
 * `ERR_SSE_INVALID_CHUNK` when given something other than a Uint8Array.
 */
export function createChunkObserver(options: StreamObserverOptions = {}): ChunkObserver {
  const core = createObserverCore("createChunkObserver", options)
  let ended = false
  return {
    push(chunk) {
      if (!isBytes(chunk))
        throw new SseTransformError(
          SSE_TRANSFORM_ERROR_CODES.INVALID_CHUNK,
          `A chunk observer was pushed a ${chunk === null ? "null" : typeof chunk} chunk; push the response body's Uint8Array chunks.`,
        )
      if (ended) return
      core.arrive(chunk)
      core.read(chunk)
    },
    end(how) {
      ended = true
      return core.end(how)
    },
  }
}
