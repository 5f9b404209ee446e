import {
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
  TOOL_NAME_EVENT_TYPES,
} from "@keyrelay/request-rewrite"
import {
  createChunkObserver,
  createEventMapper,
  type StreamEnd,
  type StreamSummary,
  summarizeMessage,
} from "@keyrelay/sse-transform"
import type { Deadlines } from "./_deadlines.ts"
import { respond } from "./_responses.ts"

/** How a served body ended, for the usage and outcome records. */
export interface ServedEnd {
  /** What the body reported (absent for endpoints other than Messages, or a body that was not a message). */
  summary?: StreamSummary
  /** The caller cancelled the body or aborted the request. */
  cancelled: boolean
}

export interface ServeOptions {
  /** A Messages response (`/v1/messages`): its usage is summarized. */
  messages: boolean
  toolNames?: ReadonlyMap<string, string> | undefined
  now: () => number
  startedAt: number
  /** A body silent this long (no byte at all) is abandoned: `abort` ends the upstream request. */
  idleTimeoutMs: number
  /** Where the idle deadline is kept (the pool's one timer). */
  deadlines: Deadlines
  abort: (reason: Error) => void
  onEnd: (end: ServedEnd) => void
  /** `onEnd` threw after the caller had the whole body, so the failure cannot reach the caller. */
  onEndFailed: (error: unknown) => void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Why a served body was abandoned: the API (or the network) went silent mid-body. */
export class IdleTimeout extends Error {
  override readonly name = "TimeoutError"
  readonly code = "ETIMEDOUT"
}

/**
 * The caller's copy of a successful response, streamed as it arrives (headers first, nothing buffered): an event
 * stream is read by sse-transform's chunk observer (and, only when tool names were renamed, rewritten by its event
 * mapper); a JSON message is summarized from the same chunks the caller reads, and held back only when tool names
 * must be restored in it.
 */
export function serveSuccess(upstream: Response, options: ServeOptions): Response {
  if (upstream.body === null) {
    options.onEnd({ cancelled: false })
    return respond(null, upstream)
  }
  const type = upstream.headers.get("content-type") ?? ""
  if (!type.includes("text/event-stream"))
    return respond(relay(upstream.body, options, jsonTap(options)), upstream)
  let body = relay(upstream.body, options, eventTap(options))
  const toolNames = options.toolNames
  if (toolNames !== undefined) {
    body = body.pipeThrough(
      createEventMapper({
        types: TOOL_NAME_EVENT_TYPES,
        map(event) {
          const data = restoreToolNamesInEvent(event.data, toolNames)
          return data === event.data ? undefined : { ...event, data }
        },
      }),
    )
  }
  return respond(body, upstream)
}

/** What a relay does with the body it reads. */
interface Tap {
  /** Whether each chunk goes to the caller as it arrives; otherwise `end` returns what the caller gets. */
  readonly pass: boolean
  /** One chunk of the body, after it was handed to the caller (when passed). */
  chunk(bytes: Uint8Array): void
  /** The body ended; called once. Returns the held-back body on `eof` when chunks are not passed. */
  end(how: StreamEnd): Uint8Array | undefined
}

/**
 * The one stream between the upstream body and the caller: each read of the caller pulls one chunk from upstream
 * (nothing is read ahead of the caller), hands it on and shows it to the tap. A body that sends nothing for the idle
 * timeout (a stalled stream would otherwise hang its reader forever) is aborted; each chunk only moves that deadline.
 * A failed upstream read fails the caller's stream with the same error; the caller's cancel cancels the upstream body.
 */
function relay(
  source: ReadableStream<Uint8Array>,
  options: ServeOptions,
  tap: Tap,
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const idle = options.idleTimeoutMs
  const silence = options.deadlines.start(idle, () =>
    options.abort(new IdleTimeout(`the response body sent nothing for ${idle} ms`)),
  )
  let ended = false
  const end = (how: StreamEnd): Uint8Array | undefined => {
    ended = true
    options.deadlines.stop(silence)
    return tap.end(how)
  }
  // The summary and the usage records of a body read to its end wait for the caller to have its end first (a
  // microtask later, before any other turn of the event loop); a failure in them never reaches the caller.
  const endAfterCaller = (): void => {
    ended = true
    options.deadlines.stop(silence)
    queueMicrotask(() => {
      try {
        tap.end("eof")
      } catch (error) {
        // Bookkeeping of a body the caller already has in full: the caller cannot be told, the pool's events can.
        options.onEndFailed(error)
      }
    })
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let result: Awaited<ReturnType<typeof reader.read>>
          try {
            result = await reader.read()
          } catch (error) {
            if (ended) return
            end("abort")
            controller.error(error)
            return
          }
          // The caller cancelled while the read was pending: the stream is closed already.
          if (ended) return
          silence.due = performance.now() + idle
          if (result.done) {
            if (tap.pass) {
              controller.close()
              endAfterCaller()
              return
            }
            const held = end("eof")
            if (held !== undefined) controller.enqueue(held)
            controller.close()
            return
          }
          const chunk = result.value
          // An empty read gives the caller nothing to wait for: read again.
          if (chunk.length === 0) continue
          if (tap.pass) controller.enqueue(chunk)
          tap.chunk(chunk)
          if (tap.pass) return
        }
      },
      cancel(reason) {
        if (!ended) end("cancel")
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

/** An event stream read by the chunk observer; the bytes pass unchanged, first. */
function eventTap(options: ServeOptions): Tap {
  const observer = createChunkObserver({ now: options.now, startedAt: options.startedAt })
  return {
    pass: true,
    chunk(bytes) {
      observer.push(bytes)
    },
    end(how) {
      const summary = observer.end(how)
      const cancelled = how === "cancel"
      options.onEnd(options.messages ? { summary, cancelled } : { cancelled })
      return undefined
    },
  }
}

/** A JSON body, its chunks kept to summarize the message once it ends (a cut-off one summarizes as broken). */
function jsonTap(options: ServeOptions): Tap {
  const hold = options.toolNames !== undefined
  const keep = options.messages || hold
  const chunks: Uint8Array[] = []
  return {
    pass: !hold,
    chunk(bytes) {
      if (keep) chunks.push(bytes)
    },
    end(how) {
      const text = keep ? textOf(chunks) : ""
      const cancelled = how === "cancel"
      options.onEnd(options.messages ? { summary: summarizeMessage(text), cancelled } : { cancelled })
      return hold && how === "eof"
        ? encoder.encode(restoreToolNamesInJson(text, options.toolNames))
        : undefined
    },
  }
}

function textOf(chunks: readonly Uint8Array[]): string {
  if (chunks.length === 1) return decoder.decode(chunks[0])
  let length = 0
  for (const chunk of chunks) length += chunk.length
  const bytes = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return decoder.decode(bytes)
}
