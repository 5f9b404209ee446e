import { createParser } from "eventsource-parser"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { concat, splitAt } from "../test/support.ts"
import { type FrameSink, SseFramer } from "./_sse-framer.ts"

interface Framed {
  type: string
  data: string
  id: string | undefined
}

const encoder = new TextEncoder()

/**
 * Frames `chunks` with SseFramer and returns the dispatched events and every boundary offset. `skip` names
 * the event types whose data the sink says it does not want.
 */
function frame(chunks: Uint8Array[], maxEventBytes = Number.POSITIVE_INFINITY, skip: readonly string[] = []) {
  const events: (Framed & { lost: boolean })[] = []
  const boundaries: number[] = []
  let offset = 0
  const skipped = skip.map((name) => encoder.encode(name))
  const sink: FrameSink = {
    wantsData: () => !framer.typeSeen || !skipped.some((name) => framer.typeIs(name)),
    boundary(end, dispatched) {
      boundaries.push(offset + end)
      if (dispatched)
        events.push({ type: framer.type, data: framer.data(), id: framer.id, lost: framer.lost })
    },
  }
  const framer = new SseFramer(sink, maxEventBytes)
  for (const chunk of chunks) {
    framer.push(chunk)
    offset += chunk.length
  }
  framer.end()
  return { events, boundaries }
}

/**
 * The oracle: the stream decoded by TextDecoder, less one leading BOM, and parsed by eventsource-parser.
 * A blank line is appended because SseFramer deliberately dispatches an event still pending at end of input.
 */
function oracle(chunks: Uint8Array[]): Framed[] {
  const events: Framed[] = []
  const parser = createParser({
    onEvent: (e) => events.push({ type: e.event ?? "message", data: e.data, id: e.id }),
  })
  // The stream's one leading BOM is dropped here rather than by TextDecoder, whose streaming mode in Bun 1.3
  // keeps a BOM split across chunks.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  let started = false
  const feed = (text: string) => {
    if (!started && text !== "") {
      started = true
      parser.feed(text.startsWith("\uFEFF") ? text.slice(1) : text)
    } else {
      parser.feed(text)
    }
  }
  for (const chunk of chunks) feed(decoder.decode(chunk, { stream: true }))
  feed(`${decoder.decode()}\n\n`)
  return events
}

// Whole lines (a field, a value, a line end) mixed with loose pieces, arbitrary text and arbitrary bytes,
// so that both well-formed events and every odd corner of the framing rules come up often.
const lineEnd = fc.constantFrom("\n", "\r", "\r\n")
const value = fc.oneof(
  fc.constantFrom("", " ", "x", "é", "😀", "\0", "\uFEFF", "message_start", '{"type":"ping"}'),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 3 }),
)
const line = fc
  .tuple(
    fc.constantFrom("data:", "data: ", "data", "event:", "event: ", "id:", "id: ", "retry:", ":", "x:", ""),
    value,
    lineEnd,
  )
  .map(([field, v, end]) => field + v + end)
const piece = fc.oneof(
  { weight: 6, arbitrary: line },
  { weight: 2, arbitrary: lineEnd },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "data:",
      "data: ",
      "data",
      "event: ",
      "id:",
      ":",
      " ",
      "\uFEFF",
      "\0",
      "é",
      "😀",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
)
const bytePiece = fc.oneof(
  { weight: 8, arbitrary: piece.map((s) => encoder.encode(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array([0xef, 0xbb, 0xbf])) },
)
const stream = fc.array(bytePiece, { maxLength: 40 }).map(concat)
const cuts = fc.array(fc.nat(), { maxLength: 12 })

// Streams as the API sends them: LF line ends only, event names the observer tells apart and others, and data
// lines from empty to several KiB (JSON, multi-byte text), so that every chunk is one without CR and lines
// longer than a chunk come up in a good share of runs. `withCR` lets a few CR or CRLF line ends in, anywhere.
const eventName = fc.constantFrom(
  "content_block_delta",
  "content_block_start",
  "message_start",
  "message_delta",
  "message_stop",
  "error",
  "ping",
  "message",
  "x",
  "",
)
const noCR = (text: string) => text.replaceAll("\r", "")
const dataValue = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 100 }).map(noCR) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 500, max: 6000 }).map((n) => "x".repeat(n)) },
)
const lfLine = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom("data: ", "data:"), dataValue).map(([f, v]) => `${f}${v}\n`),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom("event: ", "event:"), eventName).map(([f, v]) => `${f}${v}\n`),
  },
  { weight: 3, arbitrary: fc.constant("\n") },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("id: ", ": ping", "retry: ", "x: ", "data", "event", "\uFEFF"),
        fc.string({ maxLength: 8 }),
      )
      .map(([f, v]) => `${f}${v}\n`),
  },
)
const lfStream = fc
  .array(lfLine, { minLength: 1, maxLength: 30 })
  .map((lines) => encoder.encode(lines.join("")))
const withCR = fc
  .tuple(
    lfStream,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("\r", "\r\n")), { minLength: 1, maxLength: 3 }),
  )
  .map(([bytes, ends]) => {
    const parts: Uint8Array[] = []
    let from = 0
    for (const at of ends.map(([n]) => n % (bytes.length + 1)).sort((a, b) => a - b)) {
      parts.push(bytes.subarray(from, at))
      from = at
    }
    parts.push(bytes.subarray(from))
    return concat(parts.flatMap((part, i) => (i === 0 ? [part] : [encoder.encode(ends[i - 1]![1]), part])))
  })

describe("SseFramer", () => {
  it("frames any input like eventsource-parser, however it is split", () => {
    fc.assert(
      fc.property(stream, cuts, (bytes, at) => {
        const whole = oracle([bytes])
        // eventsource-parser strips the three characters "ï»¿" (not U+FEFF) at the start; no byte stream
        // framing should, so those inputs are left out.
        fc.pre(!new TextDecoder().decode(bytes).startsWith("\u00ef\u00bb\u00bf"))
        const expected = whole.map(({ type, data, id }) => ({ type, data, id }))
        expect(frame(splitAt(bytes, at)).events.map(({ type, data, id }) => ({ type, data, id }))).toEqual(
          expected,
        )
        expect(oracle(splitAt(bytes, at))).toEqual(whole)
      }),
      { numRuns: 3000 },
    )
  })

  it("frames the same when the data of some events is not wanted, and keeps the data of the others", () => {
    fc.assert(
      fc.property(stream, cuts, (bytes, at) => {
        const all = frame([bytes]).events
        const some = frame(splitAt(bytes, at), Number.POSITIVE_INFINITY, ["message", "", "x"]).events
        expect(some.map((e) => e.type)).toEqual(all.map((e) => e.type))
        some.forEach((event, i) => {
          if (!event.lost) expect(event.data).toBe(all[i]!.data)
        })
      }),
      { numRuns: 2000 },
    )
  })

  it("generates what the properties below are meant to cover: LF-only streams, long lines, and a few CRs", () => {
    const lf = fc.sample(lfStream, { numRuns: 200, seed: 42 })
    expect(lf.every((bytes) => !bytes.includes(13))).toBe(true)
    const longest = (bytes: Uint8Array) =>
      Math.max(
        ...new TextDecoder()
          .decode(bytes)
          .split("\n")
          .map((l) => l.length),
      )
    expect(lf.filter((bytes) => longest(bytes) > 2000).length).toBeGreaterThan(60)
    expect(fc.sample(withCR, { numRuns: 200, seed: 42 }).every((bytes) => bytes.includes(13))).toBe(true)
  })

  for (const [name, input] of [
    ["LF only, as the API sends them", lfStream],
    ["with a few CR or CRLF line ends", withCR],
  ] as const) {
    it(`frames streams ${name} like eventsource-parser, however they are split`, () => {
      fc.assert(
        fc.property(input, cuts, (bytes, at) => {
          const expected = oracle([bytes]).map(({ type, data, id }) => ({ type, data, id }))
          const chunks = splitAt(bytes, at)
          expect(frame(chunks).events.map(({ type, data, id }) => ({ type, data, id }))).toEqual(expected)
          expect(frame(chunks).boundaries).toEqual(frame([bytes]).boundaries)
        }),
        { numRuns: 400 },
      )
    })

    it(`keeps the data it wants from streams ${name} when it skips the rest`, () => {
      fc.assert(
        fc.property(input, cuts, (bytes, at) => {
          const all = frame([bytes]).events
          const some = frame(splitAt(bytes, at), Number.POSITIVE_INFINITY, [
            "content_block_delta",
            "message",
            "x",
          ]).events
          expect(some.map((e) => e.type)).toEqual(all.map((e) => e.type))
          some.forEach((event, i) => {
            if (!event.lost) expect(event.data).toBe(all[i]!.data)
          })
        }),
        { numRuns: 300 },
      )
    })
  }

  it("keeps no data of an unwanted event, even split across chunks, and says so if its name changes", () => {
    const text = `event: skip\ndata: ${"z".repeat(300)}\n\nevent: skip\ndata: 1\nevent: keep\n\nevent: keep\ndata: 2\n\n`
    const { events } = frame(splitAt(encoder.encode(text), [20, 100, 200]), Number.POSITIVE_INFINITY, [
      "skip",
    ])
    expect(events).toEqual([
      { type: "skip", data: "", id: undefined, lost: true },
      { type: "keep", data: "", id: undefined, lost: true },
      { type: "keep", data: "2", id: undefined, lost: false },
    ])
  })

  it("reports the same boundaries however the input is split", () => {
    fc.assert(
      fc.property(stream, cuts, (bytes, at) => {
        expect(frame(splitAt(bytes, at)).boundaries).toEqual(frame([bytes]).boundaries)
      }),
      { numRuns: 2000 },
    )
  })

  it("accepts LF, CR and CRLF line ends, a CRLF split across chunks included", () => {
    const text = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n"
    const bytes = encoder.encode(text)
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(frame(splitAt(bytes, [cut])).events.map((e) => `${e.type}=${e.data}`)).toEqual([
        "a=1",
        "b=2",
        "c=3",
      ])
    }
  })

  it("joins multi-line data, skips comments and unknown fields, and keeps a per-event id", () => {
    const text = ": keep-alive\nid: 7\nretry: 3000\nfoo: bar\ndata: one\ndata:two\ndata\n\ndata: x\n\n"
    const { events } = frame([encoder.encode(text)])
    expect(events).toEqual([
      { type: "message", data: "one\ntwo\n", id: "7", lost: false },
      { type: "message", data: "x", id: undefined, lost: false },
    ])
  })

  it("drops one leading BOM, even split byte by byte, and keeps a second one as content", () => {
    const bytes = concat([
      new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]),
      encoder.encode("data: x\n\n"),
    ])
    const byteByByte = [...bytes].map((b) => new Uint8Array([b]))
    const { events, boundaries } = frame(byteByByte)
    // The second BOM is the start of the first line, which makes its field name "\uFEFFdata": no event.
    expect(events).toEqual([])
    expect(boundaries[0]).toBe(3)
    expect(frame([bytes.subarray(3)]).events).toEqual([
      { type: "message", data: "x", id: undefined, lost: false },
    ])
  })

  it("keeps bytes that only looked like the start of a BOM", () => {
    const bytes = concat([new Uint8Array([0xef, 0xbb]), encoder.encode("\ndata: x\n\n")])
    expect(frame([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]).events).toEqual([
      { type: "message", data: "x", id: undefined, lost: false },
    ])
    const asData = concat([encoder.encode("data: "), new Uint8Array([0xef, 0xbb])])
    expect(frame([asData]).events[0]?.data).toBe("\uFFFD")
  })

  it("decodes a multi-byte character split across chunks", () => {
    const bytes = encoder.encode('event: message_start\ndata: {"text":"héllo 😀"}\n\n')
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(frame(splitAt(bytes, [cut, cut + 1])).events[0]?.data).toBe('{"text":"héllo 😀"}')
    }
  })

  it("dispatches an event still pending at end of input, and only one that carries data", () => {
    expect(frame([encoder.encode("event: message_stop\ndata: {}")]).events).toEqual([
      { type: "message_stop", data: "{}", id: undefined, lost: false },
    ])
    expect(frame([encoder.encode("event: message_stop\ndata: {}\r")]).events).toHaveLength(1)
    expect(frame([encoder.encode("event: message_stop\n")]).events).toEqual([])
  })

  it("reports the offset just past each block", () => {
    const text = "event: a\ndata: 1\n\n: only a comment\n\nevent: b\r\ndata: 2\r\n\r\n"
    expect(frame([encoder.encode(text)]).boundaries).toEqual([18, 36, 57])
  })

  it("marks an event whose data outgrows the limit as lost, and frames the next one normally", () => {
    const big = "x".repeat(100)
    const text = `event: content_block_delta\ndata: ${big}\n\nevent: message_stop\ndata: {}\n\n`
    const bytes = encoder.encode(text)
    for (const chunks of [[bytes], splitAt(bytes, [30, 60, 90])]) {
      const { events } = frame(chunks, 64)
      expect(events).toEqual([
        { type: "content_block_delta", data: "", id: undefined, lost: true },
        { type: "message_stop", data: "{}", id: undefined, lost: false },
      ])
    }
    const longName = encoder.encode(`event: ${big}\ndata: 1\n\n`)
    expect(frame(splitAt(longName, [10, 50]), 64).events).toEqual([
      { type: "message", data: "", id: undefined, lost: true },
    ])
  })
})
