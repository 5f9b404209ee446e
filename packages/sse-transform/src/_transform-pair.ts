// A readable/writable pair that behaves like a TransformStream (same queueing and backpressure: the writable
// holds one chunk, the readable none) but also tells its owner how the stream ended. TransformStream's
// `transformer.cancel` would do that, but Bun 1.3 and older browsers never call it, and a summary that waits
// for it would never settle there. The writable side's `abort` and the readable side's `cancel` are called
// everywhere; the writable controller's `signal`, where it exists, makes an abort known even while a write
// waits for the reader.

import { isBytes } from "./_is-bytes.ts"
import { SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"

/** What a pair does with the bytes, and what it hears about the end of the stream. */
export interface PairHooks {
  /** A chunk was written (called at once, before it waits for the reader). */
  arrive?(chunk: Uint8Array): void
  /** One written chunk; `enqueue` hands bytes to the reader, any number of times. May throw to fail the stream. */
  write(chunk: Uint8Array, enqueue: (bytes: Uint8Array) => void): void
  /** The writer closed the stream; last chance to enqueue. May throw to fail the stream. */
  close(enqueue: (bytes: Uint8Array) => void): void
  /** The stream ended early: the reader cancelled it, or the writer aborted it (for example, the source failed). */
  stop(how: "cancel" | "abort", reason: unknown): void
}

/** Builds the pair; see the note at the top of this file. */
export function createTransformPair(hooks: PairHooks): {
  readable: ReadableStream<Uint8Array>
  writable: WritableStream<Uint8Array>
} {
  let readableController!: ReadableStreamDefaultController<Uint8Array>
  let writableController!: WritableStreamDefaultController
  let backpressure = true
  let pulls = 0
  let release: (() => void) | undefined
  let fail: ((reason: unknown) => void) | undefined
  let ended = false

  const unblock = (reason?: unknown): void => {
    const [resolve, reject] = [release, fail]
    release = undefined
    fail = undefined
    if (reason === undefined) resolve?.()
    else reject?.(reason)
  }
  const enqueue = (bytes: Uint8Array): void => {
    const before = pulls
    readableController.enqueue(bytes)
    // The reader's queue holds nothing (high-water mark 0), so after an enqueue that did not go straight to a
    // waiting read, the writer must wait for the next read.
    if (pulls === before) backpressure = true
  }
  const stop = (how: "cancel" | "abort", reason: unknown): void => {
    if (ended) return
    ended = true
    hooks.stop(how, reason)
  }
  const abort = (reason: unknown): void => {
    stop("abort", reason)
    try {
      readableController.error(reason)
    } catch {
      // Already closed or errored.
    }
    unblock(reason ?? new Error("aborted"))
  }
  const failWith = (error: unknown): never => {
    stop("abort", error)
    try {
      readableController.error(error)
    } catch {
      // Already closed or errored.
    }
    throw error
  }

  const transform = (chunk: Uint8Array): void => {
    try {
      hooks.write(chunk, enqueue)
    } catch (error) {
      failWith(error)
    }
  }

  const readable = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        readableController = controller
      },
      pull() {
        pulls++
        backpressure = false
        unblock()
      },
      cancel(reason) {
        stop("cancel", reason)
        writableController.error(reason)
        unblock(reason ?? new Error("cancelled"))
      },
    },
    { highWaterMark: 0 },
  )
  const writable = new WritableStream<Uint8Array>(
    {
      start(controller) {
        writableController = controller
        const signal = (controller as { signal?: AbortSignal }).signal
        signal?.addEventListener("abort", () => abort(signal.reason), { once: true })
      },
      write(chunk) {
        if (!isBytes(chunk)) {
          failWith(
            new SseTransformError(
              SSE_TRANSFORM_ERROR_CODES.INVALID_CHUNK,
              `An SSE transform was written a ${chunk === null ? "null" : typeof chunk} chunk; write the response body's Uint8Array chunks (pipe response.body through it).`,
            ),
          )
        }
        hooks.arrive?.(chunk)
        // Like TransformStream: a chunk is transformed once the reader wants more, never queued up before.
        if (!backpressure) return transform(chunk)
        return new Promise<void>((resolve, reject) => {
          release = resolve
          fail = reject
        }).then(() => transform(chunk))
      },
      close() {
        try {
          hooks.close(enqueue)
        } catch (error) {
          failWith(error)
        }
        ended = true
        readableController.close()
      },
      abort,
    },
    { highWaterMark: 1 },
  )
  return { readable, writable }
}
