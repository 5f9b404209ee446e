// Byte-level framing of a text/event-stream (WHATWG HTML, "Interpreting an event stream"), built so that an
// observer can find event boundaries and tell event names apart without decoding the bytes in between: only
// what a caller asks for (`type`, `data()`) is ever decoded. Lines are split on LF, CR and CRLF at the byte
// level, which is safe because those bytes never occur inside a multi-byte UTF-8 sequence.
//
// Differences from a spec-complete parser, all deliberate:
// - an event still pending at end of input is dispatched (the spec discards it): its bytes did arrive, and
//   the usage it carries was billed;
// - `id` is reported per event (the spec keeps a last-event-id across events), and `retry` is ignored:
//   neither matters to a relay, and both pass through untouched in the bytes.
// `_sse-framer.test.ts` checks the framing against eventsource-parser over arbitrary input and splits.
//
// The framer keeps no reference to a pushed chunk once push() returns (what it still needs is copied),
// because the reader downstream may transfer the chunk's buffer by then.

import { indexOfByte } from "./_index-of-byte.ts"

const LF = 10
const CR = 13
const COLON = 58
const SPACE = 32
const BOM = [0xef, 0xbb, 0xbf] as const
const EMPTY = new Uint8Array(0)
const MESSAGE = new TextEncoder().encode("message")

/** Receives the framer's boundaries, in stream order. */
export interface FrameSink {
  /**
   * A blank line (or the end of input) closed a block of lines. `end` is the offset just past the block in
   * the chunk being pushed (0 for the end of input); `dispatched` says whether the block carried data, that
   * is, whether it was an event. During the call the sink may use `typeIs`, `type`, `id`, `lost`, `data()`.
   */
  boundary(end: number, dispatched: boolean): void
  /**
   * Whether the data of the block being assembled will be read; asked as each data line starts, when
   * `typeSeen` and `typeIs` describe the block so far. Answering false spares the framer from keeping (or
   * copying) that data; should the block's name change afterwards, the event is reported as `lost`.
   */
  wantsData(): boolean
}

/** Splits pushed chunks into server-sent events and reports each boundary to a sink. */
export class SseFramer {
  readonly #sink: FrameSink
  readonly #maxEventBytes: number
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true })

  // The block being assembled. Its event name is a byte range, decoded only when asked for.
  #typeBuf: Uint8Array = EMPTY
  #typeStart = 0
  #typeEnd = 0
  #typeName: string | undefined = undefined
  #typeSeen = false
  // Where a pending event's name is kept once the chunk it came in is gone.
  #typeStore = new Uint8Array(64)
  #id: string | undefined = undefined
  #dataLines = 0
  #dataBytes = 0
  #lost = false
  #skipped = false
  // Data lines as byte ranges, one per line.
  #segBuf: Uint8Array[] = []
  #segStart: number[] = []
  #segEnd: number[] = []
  #segCount = 0

  // The incomplete line carried over from earlier chunks, copied.
  #part: Uint8Array = EMPTY
  #partBytes = 0
  #partLost = false
  #partSkip = false
  #partHead = EMPTY
  #pendingCR = false

  // Bytes of a possible leading BOM matched so far; -1 once past the start of the stream.
  #bom = 0
  #bomHeld: Uint8Array[] = []

  // Event names decoded before, so that the usual ones are decoded once.
  #names: { bytes: Uint8Array; name: string }[] = []

  constructor(sink: FrameSink, maxEventBytes: number) {
    this.#sink = sink
    this.#maxEventBytes = maxEventBytes
  }

  /** Whether the dispatched event's name is `name` (UTF-8 bytes), without decoding it. */
  typeIs(name: Uint8Array): boolean {
    let buf = this.#typeBuf
    let s = this.#typeStart
    const length = this.#typeEnd - s
    if (length === 0) {
      buf = MESSAGE
      s = 0
      if (name.length !== MESSAGE.length) return false
    } else if (name.length !== length) {
      return false
    }
    for (let i = name.length - 1; i >= 0; i--) if (name[i] !== buf[s + i]) return false
    return true
  }

  /** Whether the block being assembled (or dispatched) has had an `event` field yet. */
  get typeSeen(): boolean {
    return this.#typeSeen
  }

  /** The dispatched event's name (`event` field), or `message` when it had none. */
  get type(): string {
    if (this.#typeName === undefined) {
      this.#typeName = this.#typeEnd === this.#typeStart ? "message" : this.#decodeName()
    }
    return this.#typeName
  }

  /** The `id` field of the dispatched event, if it had one. */
  get id(): string | undefined {
    return this.#id
  }

  /**
   * Whether the dispatched event's data (or name) is unknown: part of it exceeded `maxEventBytes`, or its
   * data was not kept because the sink did not want it when it arrived.
   */
  get lost(): boolean {
    return this.#lost || this.#skipped
  }

  /** The dispatched event's data, decoded as UTF-8 (only valid while `boundary` runs; empty when `lost`). */
  data(): string {
    const n = this.#segCount
    if (n === 0) return ""
    if (n === 1) return this.#decoder.decode(this.#segBuf[0]!.subarray(this.#segStart[0]!, this.#segEnd[0]!))
    let total = n - 1
    for (let i = 0; i < n; i++) total += this.#segEnd[i]! - this.#segStart[i]!
    const out = new Uint8Array(total)
    let at = 0
    for (let i = 0; i < n; i++) {
      if (i > 0) out[at++] = LF
      const s = this.#segStart[i]!
      const e = this.#segEnd[i]!
      out.set(this.#segBuf[i]!.subarray(s, e), at)
      at += e - s
    }
    return this.#decoder.decode(out)
  }

  /** Frames one more chunk of the stream. */
  push(chunk: Uint8Array): void {
    this.#frame(chunk)
    this.#own(chunk)
  }

  /** Ends the stream: completes a pending line and dispatches a pending event (see the note at the top). */
  end(): void {
    if (this.#bom > 0) {
      // The stream ended inside what looked like a BOM: those bytes were content.
      for (const held of this.#bomHeld) this.#appendPartial(held, 0, held.length)
      this.#bomHeld = []
    }
    this.#bom = -1
    if (this.#pendingCR || this.#partBytes > 0) {
      this.#pendingCR = false
      this.#endPartialLine(0)
    }
    if (this.#dataLines > 0) this.#dispatch(0)
  }

  #frame(chunk: Uint8Array): void {
    const len = chunk.length
    if (len === 0) return
    let pos = 0
    if (this.#bom >= 0) {
      pos = this.#matchBom(chunk)
      if (pos < 0) return
    }
    if (this.#pendingCR) {
      this.#pendingCR = false
      const next = chunk[pos] === LF ? pos + 1 : pos
      this.#endPartialLine(next)
      pos = next
    }
    // The next CR and LF at or after `pos` (`len` when there is none), each searched for again only once
    // `pos` has passed it: a stream without CR (the API sends LF) costs one search for CR per chunk.
    let nextCR = -1
    let nextLF = -1
    for (;;) {
      if (chunk[pos] === LF && this.#partBytes === 0) {
        // A blank line, the end of nearly every event: no search needed.
        this.#dispatch(++pos)
        continue
      }
      if (nextLF < pos) {
        nextLF = indexOfByte(chunk, LF, pos)
        if (nextLF === -1) nextLF = len
      }
      if (nextCR < pos) {
        nextCR = indexOfByte(chunk, CR, pos)
        if (nextCR === -1) nextCR = len
      }
      const end = Math.min(nextCR, nextLF)
      if (end === len) break
      let next = end + 1
      if (end === nextCR) {
        if (next === len) {
          // A CR that ends the chunk: whether an LF follows is only known from the next chunk.
          this.#appendPartial(chunk, pos, end)
          this.#pendingCR = true
          return
        }
        if (chunk[next] === LF) next++
      }
      if (this.#partBytes > 0) {
        this.#appendPartial(chunk, pos, end)
        this.#endPartialLine(next)
      } else {
        this.#line(chunk, pos, end, next)
      }
      pos = next
    }
    if (pos < len) this.#appendPartial(chunk, pos, len)
  }

  // Returns where framing starts in this chunk, or -1 when the chunk was all BOM prefix and more is needed.
  #matchBom(chunk: Uint8Array): number {
    let i = 0
    while (this.#bom < 3 && i < chunk.length) {
      if (chunk[i] !== BOM[this.#bom]) {
        // Not a BOM: bytes held from earlier chunks start the first line, and this chunk is framed from 0.
        this.#bom = -1
        for (const held of this.#bomHeld) this.#appendPartial(held, 0, held.length)
        this.#bomHeld = []
        return 0
      }
      this.#bom++
      i++
    }
    if (this.#bom < 3) {
      this.#bomHeld.push(chunk.slice())
      return -1
    }
    this.#bom = -1
    this.#bomHeld = []
    // The BOM is a block of its own, so a sink that rewrites events never rewrites it away.
    this.#sink.boundary(i, false)
    return i
  }

  #line(buf: Uint8Array, s: number, e: number, next: number): void {
    if (s === e) {
      this.#dispatch(next)
      return
    }
    const c = buf[s]
    if (
      c === 100 &&
      buf[s + 4] === COLON &&
      s + 4 < e &&
      buf[s + 1] === 97 &&
      buf[s + 2] === 116 &&
      buf[s + 3] === 97
    ) {
      this.#addData(buf, buf[s + 5] === SPACE && s + 5 < e ? s + 6 : s + 5, e)
    } else if (
      c === 101 &&
      buf[s + 5] === COLON &&
      s + 5 < e &&
      buf[s + 1] === 118 &&
      buf[s + 2] === 101 &&
      buf[s + 3] === 110 &&
      buf[s + 4] === 116
    ) {
      this.#setType(buf, buf[s + 6] === SPACE && s + 6 < e ? s + 7 : s + 6, e)
    } else if (c !== COLON) {
      this.#otherField(buf, s, e)
    }
  }

  #otherField(buf: Uint8Array, s: number, e: number): void {
    let colon = s
    while (colon < e && buf[colon] !== COLON) colon++
    const nameLength = colon - s
    let vs = colon < e ? colon + 1 : e
    if (vs < e && buf[vs] === SPACE) vs++
    if (nameLength === 4 && buf[s] === 100 && buf[s + 1] === 97 && buf[s + 2] === 116 && buf[s + 3] === 97) {
      this.#addData(buf, vs, e)
    } else if (
      nameLength === 5 &&
      buf[s] === 101 &&
      buf[s + 1] === 118 &&
      buf[s + 2] === 101 &&
      buf[s + 3] === 110 &&
      buf[s + 4] === 116
    ) {
      this.#setType(buf, vs, e)
    } else if (nameLength === 2 && buf[s] === 105 && buf[s + 1] === 100) {
      const value = buf.subarray(vs, e)
      if (value.length <= this.#maxEventBytes && value.indexOf(0) === -1)
        this.#id = this.#decoder.decode(value)
    }
    // `retry` and unknown fields: nothing to record.
  }

  #setType(buf: Uint8Array, vs: number, e: number): void {
    this.#typeName = undefined
    this.#typeSeen = true
    if (e - vs > this.#maxEventBytes) {
      this.#lost = true
      this.#typeBuf = EMPTY
      this.#typeStart = this.#typeEnd = 0
      return
    }
    this.#typeBuf = buf
    this.#typeStart = vs
    this.#typeEnd = e
  }

  #addData(buf: Uint8Array, vs: number, e: number): void {
    this.#dataLines++
    if (this.#lost || this.#skipped) return
    if (!this.#sink.wantsData()) {
      this.#skipped = true
      return
    }
    this.#dataBytes += e - vs
    if (this.#dataBytes > this.#maxEventBytes) {
      this.#loseData()
      return
    }
    const i = this.#segCount++
    this.#segBuf[i] = buf
    this.#segStart[i] = vs
    this.#segEnd[i] = e
  }

  #loseData(): void {
    this.#lost = true
    this.#clearSegments()
  }

  #clearSegments(): void {
    for (let i = 0; i < this.#segCount; i++) this.#segBuf[i] = EMPTY
    this.#segCount = 0
  }

  #decodeName(): string {
    const buf = this.#typeBuf
    const s = this.#typeStart
    const length = this.#typeEnd - s
    const names = this.#names
    for (let k = 0; k < names.length; k++) {
      const known = names[k]!
      const bytes = known.bytes
      if (bytes.length !== length) continue
      let i = length - 1
      while (i >= 0 && bytes[i] === buf[s + i]) i--
      if (i < 0) return known.name
    }
    const name = this.#decoder.decode(buf.subarray(s, s + length))
    if (length <= 64) {
      if (names.length >= 16) names.pop()
      names.unshift({ bytes: buf.slice(s, s + length), name })
    }
    return name
  }

  #dispatch(next: number): void {
    this.#sink.boundary(next, this.#dataLines > 0)
    this.#typeBuf = EMPTY
    this.#typeStart = this.#typeEnd = 0
    this.#typeName = undefined
    this.#typeSeen = false
    this.#id = undefined
    this.#dataLines = 0
    this.#dataBytes = 0
    this.#lost = false
    this.#skipped = false
    if (this.#segCount > 0) this.#clearSegments()
  }

  #appendPartial(buf: Uint8Array, s: number, e: number): void {
    const n = e - s
    const at = this.#partBytes
    // `#part` is about to be reused: what the pending event still needs from it gets its own copy.
    if (at === 0) this.#own(this.#part)
    this.#partBytes += n
    if (this.#partLost || this.#partSkip) return
    // The slack is the longest field prefix ("event: "), so that whether a value is too long never depends
    // on where the chunks were cut.
    if (this.#partBytes > this.#maxEventBytes + 7) {
      // Keep only the head, to know which field the line was.
      const head = new Uint8Array(8)
      const fromPart = Math.min(at, 8)
      head.set(this.#part.subarray(0, fromPart))
      head.set(buf.subarray(s, s + 8 - fromPart), fromPart)
      this.#partHead = head
      this.#partLost = true
      this.#part = EMPTY
      return
    }
    if (at === 0 && n >= 5 && isDataField(buf, s) && this.#ignoresData()) {
      // A data line nobody will read: that it is one is all that matters, so none of it is copied.
      this.#partSkip = true
      return
    }
    let part = this.#part
    if (this.#partBytes > part.length) {
      part = new Uint8Array(Math.min(Math.max(256, this.#partBytes * 2), this.#maxEventBytes + 7))
      part.set(this.#part.subarray(0, at))
      this.#part = part
    }
    if (n <= 64) {
      for (let i = 0; i < n; i++) part[at + i] = buf[s + i]!
    } else {
      part.set(buf.subarray(s, e), at)
    }
    if (at < 5 && this.#partBytes >= 5 && isDataField(part, 0) && this.#ignoresData()) {
      // The same, for a line whose first bytes came in pieces: the rest is not copied.
      this.#partSkip = true
    }
  }

  // Whether the data of the block being assembled will not be kept.
  #ignoresData(): boolean {
    return this.#lost || this.#skipped || !this.#sink.wantsData()
  }

  #endPartialLine(next: number): void {
    if (this.#partSkip) {
      this.#dataLines++
      if (!this.#lost) this.#skipped = true
    } else if (this.#partLost) {
      this.#lostLine()
    } else {
      this.#line(this.#part, 0, this.#partBytes, next)
    }
    this.#partBytes = 0
    this.#partLost = false
    this.#partSkip = false
  }

  // The event name and data lines of the pending event that point into `buf` get their own copy.
  #own(buf: Uint8Array): void {
    if (this.#typeBuf === buf) {
      const length = this.#typeEnd - this.#typeStart
      if (this.#typeStore.length < length) this.#typeStore = new Uint8Array(Math.max(64, length))
      const store = this.#typeStore
      for (let i = 0; i < length; i++) store[i] = buf[this.#typeStart + i]!
      this.#typeBuf = store
      this.#typeStart = 0
      this.#typeEnd = length
    }
    for (let i = 0; i < this.#segCount; i++) {
      if (this.#segBuf[i] !== buf) continue
      this.#segBuf[i] = buf.slice(this.#segStart[i]!, this.#segEnd[i]!)
      this.#segEnd[i] = this.#segEnd[i]! - this.#segStart[i]!
      this.#segStart[i] = 0
    }
  }

  // A line longer than maxEventBytes: only its first bytes are known, enough to tell which field it was.
  #lostLine(): void {
    const head = this.#partHead
    const starts = (word: string): boolean => {
      for (let i = 0; i < word.length; i++) if (head[i] !== word.charCodeAt(i)) return false
      return true
    }
    if (starts("data:")) {
      this.#dataLines++
      this.#loseData()
    } else if (starts("event:")) {
      this.#typeSeen = true
      this.#lost = true
      this.#typeBuf = EMPTY
      this.#typeStart = this.#typeEnd = 0
      this.#typeName = undefined
    }
    // An `id` that long is ignored, as it is when it arrives in one piece.
  }
}

/** Whether the line at `s` in `bytes` starts with `data:`. */
function isDataField(bytes: Uint8Array, s: number): boolean {
  return (
    bytes[s] === 100 &&
    bytes[s + 1] === 97 &&
    bytes[s + 2] === 116 &&
    bytes[s + 3] === 97 &&
    bytes[s + 4] === COLON
  )
}
