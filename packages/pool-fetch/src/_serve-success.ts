import {
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
  TOOL_NAME_EVENT_TYPES,
} from "@keyrelay/request-rewrite"
import {
  createEventMapper,
  createStreamObserver,
  type StreamSummary,
  summarizeMessage,
} from "@keyrelay/sse-transform"
import { passHeaders } from "./_responses.ts"

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
  onEnd: (end: ServedEnd) => void
}

const encoder = new TextEncoder()

/**
 * The caller's copy of a successful response, streamed as it arrives (headers first, nothing buffered): an event
 * stream passes through sse-transform's observer (and, only when tool names were renamed, its event mapper); a
 * JSON message is summarized from the same chunks the caller reads, and held back only when tool names must be
 * restored in it.
 */
export function serveSuccess(upstream: Response, options: ServeOptions): Response {
  const init = {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: passHeaders(upstream.headers),
  }
  if (upstream.body === null) {
    options.onEnd({ cancelled: false })
    return new Response(null, init)
  }
  const type = upstream.headers.get("content-type") ?? ""
  if (type.includes("text/event-stream")) {
    const observer = createStreamObserver({ now: options.now, startedAt: options.startedAt })
    let body = upstream.body.pipeThrough(observer)
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
      options.onEnd({
        summary: options.messages ? summary : undefined,
        cancelled: summary.end === "cancel",
      } as ServedEnd),
    )
    return new Response(body, init)
  }
  return new Response(observeJson(upstream.body, options), init)
}

function observeJson(source: ReadableStream<Uint8Array>, options: ServeOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const chunks: Uint8Array[] = []
  const hold = options.toolNames !== undefined
  let ended = false
  const end = (cancelled: boolean, complete: boolean): void => {
    if (ended) return
    ended = true
    if (!options.messages || !complete) {
      options.onEnd(
        options.messages && !complete
          ? {
              summary: {
                ...summarizeMessage(text(chunks)),
                truncated: true,
                end: cancelled ? "cancel" : "abort",
              },
              cancelled,
            }
          : { cancelled },
      )
      return
    }
    options.onEnd({ summary: summarizeMessage(text(chunks)), cancelled })
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: Awaited<ReturnType<typeof reader.read>>
      try {
        result = await reader.read()
      } catch (error) {
        end(false, false)
        controller.error(error)
        return
      }
      if (result.done) {
        end(false, true)
        if (hold) controller.enqueue(encoder.encode(restoreToolNamesInJson(text(chunks), options.toolNames)))
        controller.close()
        return
      }
      if (options.messages || hold) chunks.push(result.value)
      if (!hold) controller.enqueue(result.value)
    },
    cancel(reason) {
      end(true, false)
      return reader.cancel(reason)
    },
  })
}

function text(chunks: Uint8Array[]): string {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0])
  const decoder = new TextDecoder()
  let out = ""
  for (const chunk of chunks) out += decoder.decode(chunk, { stream: true })
  return out + decoder.decode()
}
