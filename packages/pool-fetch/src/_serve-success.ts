import {
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
  TOOL_NAME_EVENT_TYPES,
} from "@keyrelay/request-rewrite"
import {
  createEventMapper,
  createStreamObserver,
  type StreamObserver,
  type StreamSummary,
  summarizeMessage,
} from "@keyrelay/sse-transform"
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
  abort: (reason: Error) => void
  onEnd: (end: ServedEnd) => void
  /** An observer made while the headers were awaited (creating one costs more than anything else here). */
  observer?: StreamObserver | undefined
}

const encoder = new TextEncoder()

/** Why a served body was abandoned: the API (or the network) went silent mid-body. */
export class IdleTimeout extends Error {
  override readonly name = "TimeoutError"
  readonly code = "ETIMEDOUT"
}

/**
 * Notices a body that stopped sending (a stalled stream would otherwise hang its reader forever) and aborts it: one
 * timer per idle period, not one per chunk; `touch()` on every chunk only stores the time.
 */
function watchdog(options: ServeOptions): { touch(): void; stop(): void } {
  const idle = options.idleTimeoutMs
  let last = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = (delay: number): void => {
    timer = setTimeout(() => {
      const silent = performance.now() - last
      if (silent >= idle) options.abort(new IdleTimeout(`the response body sent nothing for ${idle} ms`))
      else arm(idle - silent)
    }, delay)
  }
  arm(idle)
  return {
    touch() {
      last = performance.now()
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
    },
  }
}

/**
 * The caller's copy of a successful response, streamed as it arrives (headers first, nothing buffered): an event
 * stream passes through sse-transform's observer (and, only when tool names were renamed, its event mapper); a
 * JSON message is summarized from the same chunks the caller reads, and held back only when tool names must be
 * restored in it.
 */
export function serveSuccess(upstream: Response, options: ServeOptions): Response {
  if (upstream.body === null) {
    options.onEnd({ cancelled: false })
    return respond(null, upstream)
  }
  const type = upstream.headers.get("content-type") ?? ""
  if (!type.includes("text/event-stream")) return respond(observeJson(upstream.body, options), upstream)
  const observer =
    options.observer ?? createStreamObserver({ now: options.now, startedAt: options.startedAt })
  let body = feed(upstream.body, observer.writable, options) ?? observer.readable
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
  observer.summary.then((summary) =>
    options.onEnd(
      options.messages
        ? { summary, cancelled: summary.end === "cancel" }
        : { cancelled: summary.end === "cancel" },
    ),
  )
  return respond(body, upstream)
}

/**
 * Writes the upstream body into the observer chunk by chunk under the watchdog (one loop, no extra stream between
 * them); a write fails when the caller cancelled the observer's readable side, and then the upstream is cancelled.
 */
function feed(
  source: ReadableStream<Uint8Array>,
  sink: WritableStream<Uint8Array>,
  options: ServeOptions,
): undefined {
  const reader = source.getReader()
  const writer = sink.getWriter()
  const dog = watchdog(options)
  const pump = async (): Promise<void> => {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>
      try {
        result = await reader.read()
      } catch (error) {
        dog.stop()
        await writer.abort(error).catch(() => {})
        return
      }
      dog.touch()
      if (result.done) {
        dog.stop()
        await writer.close().catch(() => {})
        return
      }
      try {
        await writer.write(result.value)
      } catch (error) {
        dog.stop()
        await reader.cancel(error).catch(() => {})
        return
      }
    }
  }
  pump()
  return undefined
}

/** A JSON body relayed under the watchdog, its chunks kept to summarize the message once it ends. */
function observeJson(source: ReadableStream<Uint8Array>, options: ServeOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const dog = watchdog(options)
  const chunks: Uint8Array[] = []
  const hold = options.toolNames !== undefined
  let ended = false
  const end = (cancelled: boolean): void => {
    if (ended) return
    ended = true
    dog.stop()
    // A cut-off body summarizes as a message without message_stop: charged as a broken stream (unless cancelled).
    options.onEnd(options.messages ? { summary: summarizeMessage(text(chunks)), cancelled } : { cancelled })
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<typeof reader.read>>
        try {
          result = await reader.read()
        } catch (error) {
          end(false)
          controller.error(error)
          return
        }
        dog.touch()
        if (result.done) {
          end(false)
          if (hold)
            controller.enqueue(encoder.encode(restoreToolNamesInJson(text(chunks), options.toolNames)))
          controller.close()
          return
        }
        if (options.messages || hold) chunks.push(result.value)
        if (!hold) controller.enqueue(result.value)
      },
      cancel(reason) {
        end(true)
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

function text(chunks: Uint8Array[]): string {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0])
  const decoder = new TextDecoder()
  let out = ""
  for (const chunk of chunks) out += decoder.decode(chunk, { stream: true })
  return out + decoder.decode()
}
