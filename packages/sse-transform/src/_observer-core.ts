// The reading behind both observers (createStreamObserver, createChunkObserver): SSE framing, the summary's
// state, onEvent, timings. It sees each chunk twice: `arrive` when it is handed over (time to first byte), `read`
// when it goes on to the reader (framing), which for the stream observer waits for the reader to ask.
import { isRecord, parseJson, stringOrNull, UNPARSABLE } from "./_json.ts"
import { resolveMaxEventBytes, resolveNow } from "./_options.ts"
import { readStreamError } from "./_read-error.ts"
import { type FrameSink, SseFramer } from "./_sse-framer.ts"
import { emptyUsage, mergeUsage } from "./_usage.ts"
import { SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"
import type { StreamEnd, StreamError, StreamSummary, StreamUsage } from "./stream-summary.ts"

const utf8 = new TextEncoder()
const CONTENT_BLOCK_DELTA = utf8.encode("content_block_delta")
const MESSAGE_START = utf8.encode("message_start")
const MESSAGE_DELTA = utf8.encode("message_delta")
const MESSAGE_STOP = utf8.encode("message_stop")
const ERROR = utf8.encode("error")
/** The most events kept unread (as type and text) before they are read anyway. */
const UNREAD_LIMIT = 2 * 16

/** A fact the observer learned, handed to `onEvent` as soon as it is known. */
export type StreamObserverEvent =
  | { kind: "first-byte"; elapsedMs: number }
  | { kind: "message-start"; messageId: string | null; model: string | null; usage: StreamUsage }
  | { kind: "first-content"; elapsedMs: number }
  | { kind: "message-delta"; stopReason: string | null; usage: StreamUsage }
  | { kind: "message-stop" }
  | { kind: "error"; error: StreamError }
  | { kind: "malformed"; eventType: string }

/** Options of `createStreamObserver` and `createChunkObserver`. */
export interface StreamObserverOptions {
  /** Called with each fact as it is learned; `usage` in it is a copy of the usage so far. Must not throw. */
  onEvent?: (event: StreamObserverEvent) => void
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number
  /** When the request started, for the timings (default: when the observer is created). */
  startedAt?: number
  /**
   * The most bytes kept for one event's data or one line while it is incomplete (default 16 MiB). A larger
   * event still passes through untouched; the summary counts it in `malformedEvents` if it needed it.
   */
  maxEventBytes?: number
}

/** What both observers share: `arrive` stamps the first byte, `read` frames the bytes, `end` summarizes. */
export interface ObserverCore {
  arrive(chunk: Uint8Array): void
  read(chunk: Uint8Array): void
  end(how: StreamEnd): StreamSummary
}

/** The reading behind both observers; `factory` names the caller in option errors. */
export function createObserverCore(factory: string, options: StreamObserverOptions): ObserverCore {
  if (options.onEvent !== undefined && typeof options.onEvent !== "function") {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      `${factory}: \`onEvent\` must be a function; pass a callback or leave it out.`,
    )
  }
  const now = resolveNow(factory, options.now)
  const maxEventBytes = resolveMaxEventBytes(factory, options.maxEventBytes)
  if (options.startedAt !== undefined && !Number.isFinite(options.startedAt)) {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      `${factory}: \`startedAt\` must be a finite number of epoch milliseconds.`,
    )
  }
  const startedAt = options.startedAt ?? now()
  let onEvent = options.onEvent

  const usage = emptyUsage()
  const state = {
    messageId: null as string | null,
    model: null as string | null,
    stopReason: null as string | null,
    sawMessageStop: false,
    error: null as StreamError | null,
    timeToFirstByteMs: null as number | null,
    timeToFirstContentMs: null as number | null,
    bytes: 0,
    malformedEvents: 0,
    callbackError: undefined as unknown,
    callbackThrew: false,
  }

  const tell = (event: StreamObserverEvent): void => {
    if (onEvent === undefined) return
    try {
      onEvent(event)
    } catch (error) {
      // A broken callback must not break the caller's response; it is reported once and not called again.
      state.callbackError = error
      state.callbackThrew = true
      onEvent = undefined
    }
  }
  const malformed = (eventType: string): void => {
    state.malformedEvents++
    tell({ kind: "malformed", eventType })
  }

  const sink: FrameSink = {
    wantsData: () =>
      !framer.typeSeen ||
      framer.typeIs(MESSAGE_START) ||
      framer.typeIs(MESSAGE_DELTA) ||
      framer.typeIs(ERROR),
    boundary(_end, dispatched) {
      if (!dispatched) return
      // Event names are compared as bytes: the content_block_delta events, nearly all of a stream, are
      // never decoded.
      if (state.timeToFirstContentMs === null && framer.typeIs(CONTENT_BLOCK_DELTA)) {
        state.timeToFirstContentMs = now() - startedAt
        tell({ kind: "first-content", elapsedMs: state.timeToFirstContentMs })
        return
      }
      if (framer.typeIs(MESSAGE_STOP)) {
        state.sawMessageStop = true
        tell({ kind: "message-stop" })
        return
      }
      const type = framer.typeIs(MESSAGE_DELTA)
        ? "message_delta"
        : framer.typeIs(MESSAGE_START)
          ? "message_start"
          : framer.typeIs(ERROR)
            ? "error"
            : undefined
      if (type === undefined) return
      if (framer.lost) {
        malformed(type)
        return
      }
      const text = framer.data()
      // Nobody listening: the summary is all that is wanted, so the data is parsed when it is asked for (at the end),
      // not while the chunk that carried it is on its way to the reader. In stream order, and never many at once.
      if (onEvent === undefined) {
        unread.push(type, text)
        if (unread.length >= UNREAD_LIMIT) readUnread()
        return
      }
      readEvent(type, text)
    },
  }
  const readEvent = (type: "message_start" | "message_delta" | "error", text: string): void => {
    const parsed = parseJson(text)
    if (type === "error") {
      if (!isRecord(parsed) || !isRecord(parsed.error)) malformed(type)
      const error = readStreamError(parsed, text)
      state.error ??= error
      tell({ kind: "error", error })
      return
    }
    if (parsed === UNPARSABLE || !isRecord(parsed)) {
      malformed(type)
      return
    }
    if (type === "message_start") {
      const message = parsed.message
      if (!isRecord(message)) {
        malformed(type)
        return
      }
      state.messageId = stringOrNull(message.id) ?? state.messageId
      state.model = stringOrNull(message.model) ?? state.model
      mergeUsage(usage, message.usage)
      tell({ kind: "message-start", messageId: state.messageId, model: state.model, usage: { ...usage } })
      return
    }
    const delta = parsed.delta
    if (isRecord(delta) && typeof delta.stop_reason === "string") state.stopReason = delta.stop_reason
    mergeUsage(usage, parsed.usage)
    tell({ kind: "message-delta", stopReason: state.stopReason, usage: { ...usage } })
  }
  /** Event types and data texts not read yet, alternating. */
  const unread: string[] = []
  const readUnread = (): void => {
    for (let i = 0; i < unread.length; i += 2)
      readEvent(unread[i] as "message_start" | "message_delta" | "error", unread[i + 1] as string)
    unread.length = 0
  }
  const framer = new SseFramer(sink, maxEventBytes)

  let summary: StreamSummary | undefined
  return {
    arrive(chunk) {
      if (state.timeToFirstByteMs === null && chunk.length > 0) {
        state.timeToFirstByteMs = now() - startedAt
        tell({ kind: "first-byte", elapsedMs: state.timeToFirstByteMs })
      }
    },
    read(chunk) {
      if (chunk.length === 0 || summary !== undefined) return
      state.bytes += chunk.length
      framer.push(chunk)
    },
    end(how) {
      if (summary !== undefined) return summary
      // Only a body read to its end has a last event still pending; a failed or cancelled one stops where it was.
      if (how === "eof") framer.end()
      readUnread()
      summary = {
        messageId: state.messageId,
        model: state.model,
        usage: { ...usage },
        stopReason: state.stopReason,
        sawMessageStop: state.sawMessageStop,
        error: state.error,
        truncated: how !== "cancel" && !state.sawMessageStop,
        end: how,
        timeToFirstByteMs: state.timeToFirstByteMs,
        timeToFirstContentMs: state.timeToFirstContentMs,
        bytes: state.bytes,
        malformedEvents: state.malformedEvents,
      }
      if (state.callbackThrew) summary.callbackError = state.callbackError
      return summary
    },
  }
}
