import { parseJson, UNPARSABLE } from "./_json.ts"
import { resolveMaxEventBytes } from "./_options.ts"
import { type FrameSink, SseFramer } from "./_sse-framer.ts"
import { createTransformPair } from "./_transform-pair.ts"
import { SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"

/** One server-sent event as the mapper hands it to `map`: its name and its parsed JSON data. */
export interface SseEvent {
  /** The event name (`event:` field), such as `content_block_start`; `message` when it had none. */
  readonly type: string
  /** The `data:` field, parsed as JSON. */
  readonly data: unknown
  /** The `id:` field, when the event had one. */
  readonly id?: string
}

/**
 * What `map` decides for an event: `undefined` (or the event itself) keeps its original bytes, `null` drops
 * it, and any other event replaces it, written as `event: <type>\ndata: <JSON>\n\n`.
 */
export type SseEventMapResult = SseEvent | null | undefined

/** Options of {@link createEventMapper}. */
export interface EventMapperOptions {
  /** Decides each event's fate; see {@link SseEventMapResult}. Must not mutate the event it is given. */
  map: (event: SseEvent) => SseEventMapResult
  /**
   * The event names `map` is called for (default: all). Other events pass as their original bytes without
   * being decoded, so naming only what you change keeps the mapper fast.
   */
  types?: readonly string[]
  /**
   * The most bytes held back for one event while it is incomplete (default 16 MiB). A larger event is
   * released as it arrives and passes unchanged, without `map`.
   */
  maxEventBytes?: number
}

/** A transform that rewrites or drops events and leaves every other byte as it was. */
export interface EventMapper {
  /** The mapped stream. */
  readonly readable: ReadableStream<Uint8Array>
  /** Where the event stream's bytes go. */
  readonly writable: WritableStream<Uint8Array>
}

const encoder = new TextEncoder()
const KEEP: unique symbol = Symbol("keep")
// What one write hands on goes to the reader as one chunk when it comes to at most this many bytes, as it does
// from a live stream: so small a copy costs less than a read per piece. Larger output goes out in its pieces,
// views of the chunk written, so that bulk input is never copied (and never leaves copies for the GC).
const JOIN_LIMIT = 4 * 1024

function join(parts: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length)
  let at = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    joined.set(part, at)
    at += part.length
  }
  return joined
}

/**
 * Rewrites or drops parsed server-sent events chunk-safely: an event that `map` may change is held back
 * only until it is complete, events that `map` leaves alone keep their original bytes, and only changed
 * events are written anew. Events of other `types` go on as they arrive, undecoded; events whose data is
 * not JSON, and everything between events (comments, a BOM), pass unchanged.
 *
 * @example
 * ```ts
 * // Give tool_use blocks back the names the caller used before they were made valid for the API.
 * const original = new Map([["get_weather_v2", "get.weather/v2"]])
 * const mapper = createEventMapper({
 *   types: ["content_block_start"],
 *   map(event) {
 *     const data = event.data as { content_block?: { type?: string; name?: string } }
 *     const block = data.content_block
 *     if (block?.type !== "tool_use" || !original.has(block.name ?? "")) return undefined
 *     return { ...event, data: { ...data, content_block: { ...block, name: original.get(block.name!) } } }
 *   },
 * })
 * const body = response.body!.pipeThrough(mapper)
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @throws {SseTransformError} `ERR_SSE_INVALID_OPTIONS` when `map` is not a function or an option has the
 * wrong type. The stream fails with `ERR_SSE_MAP_FAILED` when `map` throws or returns an event that cannot
 * be written, and with `ERR_SSE_INVALID_CHUNK` when something other than a Uint8Array is written to it.
 */
export function createEventMapper(options: EventMapperOptions): EventMapper {
  const map = (options as Partial<EventMapperOptions> | undefined)?.map
  if (typeof map !== "function") {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      "createEventMapper: `map` must be a function that returns undefined (keep), null (drop) or a new event.",
    )
  }
  const { types } = options
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== "string"))) {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      "createEventMapper: `types` must be an array of event names, such as ['content_block_start'].",
    )
  }
  const selected = types === undefined ? undefined : [...new Set(types)].map((t) => encoder.encode(t))
  const maxEventBytes = resolveMaxEventBytes("createEventMapper", options.maxEventBytes)

  // The bytes not yet handed on are: `carry` (the start of the current block, from earlier chunks), then
  // `chunk[emitted, blockStart)` (finished blocks that stay as they were), then `chunk[blockStart, …)`.
  let chunk: Uint8Array = new Uint8Array(0)
  let emitted = 0
  let blockStart = 0
  let carry: Uint8Array[] = []
  let carryBytes = 0
  let carryKept = false // the block in `carry` has finished unchanged, so `carry` goes out with the next run
  let released = false // the current block is passed on as it arrives (not for `map`, or too large to hold)
  // What the current write hands on, in order; see JOIN_LIMIT.
  let outParts: Uint8Array[] = []
  let outBytes = 0
  const out = (bytes: Uint8Array): void => {
    outParts.push(bytes)
    outBytes += bytes.length
  }
  const flush = (enqueue: (bytes: Uint8Array) => void): void => {
    const parts = outParts
    if (parts.length === 0) return
    outParts = []
    if (parts.length === 1) {
      enqueue(parts[0]!)
    } else if (outBytes <= JOIN_LIMIT) {
      enqueue(join(parts, outBytes))
    } else {
      for (const part of parts) enqueue(part)
    }
    outBytes = 0
  }

  const emitRun = (upTo: number): void => {
    if (carryKept) {
      carryKept = false
      if (carry.length > 0) {
        for (const part of carry) out(part)
        carry = []
        if (upTo > emitted) out(chunk.subarray(emitted, upTo))
        carryBytes = 0
        emitted = upTo
        return
      }
    }
    if (upTo > emitted) out(emitted === 0 && upTo === chunk.length ? chunk : chunk.subarray(emitted, upTo))
    emitted = upTo
  }

  const replace = (end: number, replacement: Uint8Array | null): void => {
    // The block is `carry` (when it began in an earlier chunk) plus `chunk[blockStart, end)`; none of it goes out.
    if (!carryKept) {
      carry = []
      carryBytes = 0
    }
    emitRun(blockStart)
    if (replacement !== null) out(replacement)
    emitted = end
  }

  // Whether the current block's name (compared as bytes, never decoded) is one `map` is called for.
  const isSelected = (): boolean => {
    if (selected === undefined) return true
    for (const name of selected) if (framer.typeIs(name)) return true
    return false
  }

  const decide = (): SseEventMapResult | typeof KEEP => {
    if (framer.lost || !isSelected()) return KEEP
    const type = framer.type
    const data = parseJson(framer.data())
    if (data === UNPARSABLE) return KEEP
    const id = framer.id
    const event: SseEvent = id === undefined ? { type, data } : { type, data, id }
    try {
      const result = map(event)
      return result === event ? KEEP : result
    } catch (error) {
      throw new SseTransformError(
        SSE_TRANSFORM_ERROR_CODES.MAP_FAILED,
        `createEventMapper: \`map\` threw on a "${type}" event; the stream was stopped so that no event passes unmapped. Fix the map function.`,
        { cause: error },
      )
    }
  }

  const sink: FrameSink = {
    wantsData: () => !framer.typeSeen || isSelected(),
    boundary(end, dispatched) {
      const result = dispatched && !released ? decide() : KEEP
      released = false
      if (result === KEEP || result === undefined) {
        if (carry.length > 0) carryKept = true
      } else {
        replace(end, result === null ? null : serialize(result))
      }
      blockStart = end
    },
  }
  const framer = new SseFramer(sink, maxEventBytes)

  const endChunk = (): void => {
    if (!released && framer.typeSeen && (framer.lost || !isSelected())) {
      // The pending block is named, and not for `map`: it goes on as it arrives, like an oversized one. (A
      // second `event` line in the same block that would select it after all is not waited for.)
      carryKept = true
      released = true
    }
    if (released) {
      emitRun(chunk.length)
      return
    }
    emitRun(blockStart)
    if (blockStart < chunk.length) {
      // Copied: the reader may transfer the buffer of what was handed on from this chunk.
      carry.push(chunk.slice(blockStart))
      carryBytes += chunk.length - blockStart
      emitted = chunk.length
    }
    if (carryBytes > maxEventBytes) {
      // Too large to hold back: hand it on as it is, and let the rest of this block follow unchanged.
      carryKept = true
      released = true
      emitRun(chunk.length)
    }
  }

  return createTransformPair({
    write(bytes, enqueue) {
      if (bytes.length === 0) return
      chunk = bytes
      emitted = 0
      blockStart = 0
      framer.push(bytes)
      endChunk()
      flush(enqueue)
    },
    close(enqueue) {
      chunk = new Uint8Array(0)
      emitted = 0
      blockStart = 0
      framer.end()
      // Whatever is left (an event without data, a comment) goes out as it came.
      carryKept = true
      emitRun(0)
      flush(enqueue)
    },
    stop() {
      carry = []
      outParts = []
      outBytes = 0
    },
  })
}

function serialize(event: SseEvent): Uint8Array {
  const fail = (why: string): never => {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.MAP_FAILED,
      `createEventMapper: \`map\` returned an event that cannot be written: ${why}.`,
    )
  }
  if (typeof event !== "object") fail("return an event object, null or undefined")
  const { type, data, id } = event
  if (typeof type !== "string" || type === "" || /[\r\n]/.test(type)) fail("`type` must be a one-line name")
  if (id !== undefined && (typeof id !== "string" || /[\r\n\0]/.test(id)))
    fail("`id` must be a one-line string")
  let json: string | undefined
  try {
    json = JSON.stringify(data)
  } catch (error) {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.MAP_FAILED,
      `createEventMapper: \`map\` returned a "${type}" event whose data cannot be written as JSON.`,
      { cause: error },
    )
  }
  if (json === undefined) fail("`data` must be a JSON value")
  return encoder.encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${type}\ndata: ${json}\n\n`)
}
