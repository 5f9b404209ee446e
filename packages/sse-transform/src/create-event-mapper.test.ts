import fc from "fast-check"
import { describe, expect, it, vi } from "vitest"
import {
  chunksOf,
  collect,
  collectDetaching,
  concat,
  run,
  sameBytes,
  splitAt,
  streamOf,
  TRANSCRIPTS,
  thrownBy,
  transcript,
  utf8,
} from "../test/support.ts"
import { createEventMapper, type SseEvent } from "./create-event-mapper.ts"
import { isSseTransformError, SSE_TRANSFORM_ERROR_CODES } from "./sse-transform-error.ts"

// ignoreBOM keeps a BOM in the text, so that tests can see it.
const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)

interface StartData {
  content_block: { type: string; name?: string }
}

/** Restores one tool name, the mapper's first job. */
function renameTool(from: string, to: string) {
  return createEventMapper({
    types: ["content_block_start"],
    map(event) {
      const data = event.data as StartData
      if (data.content_block.type !== "tool_use" || data.content_block.name !== from) return undefined
      return { ...event, data: { ...data, content_block: { ...data.content_block, name: to } } }
    },
  })
}

/** Every chunk `readable` yields, as it yields them. */
async function collectReads(readable: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reads: Uint8Array[] = []
  const reader = readable.getReader()
  for (let read = await reader.read(); !read.done; read = await reader.read()) reads.push(read.value)
  return reads
}

/** The events of a transcript as raw text blocks, each with its blank line. */
function blocks(text: string): string[] {
  return text.split(/(?<=\n\n)/)
}

describe("createEventMapper", () => {
  it("leaves every transcript byte for byte as it was when map changes nothing, however it is split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TRANSCRIPTS),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (name, cuts) => {
          const bytes = transcript(name)
          const map = vi.fn((event: SseEvent) => (event.type === "ping" ? event : undefined))
          const output = await run(createEventMapper({ map }), splitAt(bytes, cuts))
          expect(sameBytes(output, bytes)).toBe("equal")
          expect(map).toHaveBeenCalled()
        },
      ),
      { numRuns: 200 },
    )
  })

  it("rewrites only the events it changes, as `event: <type>\\ndata: <json>\\n\\n`", async () => {
    const original = decode(transcript("tool-use"))
    const output = decode(await run(renameTool("get_weather", "weather.get"), [transcript("tool-use")]))
    const before = blocks(original)
    const after = blocks(output)
    expect(after).toHaveLength(before.length)
    const changed = after.flatMap((block, i) => (block === before[i] ? [] : [i]))
    expect(changed).toHaveLength(1)
    const at = changed[0]!
    expect(before[at]).toContain('"name":"get_weather"')
    expect(after[at]).toBe(
      `event: content_block_start\ndata: ${JSON.stringify({
        type: "content_block_start",
        index: 1,
        content_block: {
          type: "tool_use",
          id: "toolu_01ToolUseExample00000",
          name: "weather.get",
          input: {},
        },
      })}\n\n`,
    )
  })

  it("gives the same output however the input is split, whatever map does", async () => {
    const mappers = {
      rename: () => renameTool("get_weather", "weather.get"),
      dropPings: () => createEventMapper({ types: ["ping"], map: () => null }),
      rewriteAll: () =>
        createEventMapper({ map: (event) => ({ type: event.type, data: { seen: event.type } }) }),
    }
    const expected = new Map<string, Uint8Array>()
    for (const [kind, make] of Object.entries(mappers)) {
      for (const name of TRANSCRIPTS) expected.set(`${kind}/${name}`, await run(make(), [transcript(name)]))
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(mappers) as (keyof typeof mappers)[])),
        fc.constantFrom(...TRANSCRIPTS),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (kind, name, cuts) => {
          const output = await run(mappers[kind](), splitAt(transcript(name), cuts))
          expect(sameBytes(output, expected.get(`${kind}/${name}`)!)).toBe("equal")
        },
      ),
      { numRuns: 300 },
    )
  })

  it("drops an event completely when map returns null", async () => {
    const text = decode(transcript("code-execution"))
    const output = decode(
      await run(createEventMapper({ types: ["ping"], map: () => null }), chunksOf(utf8.encode(text), 9)),
    )
    expect(output).toBe(
      blocks(text)
        .filter((b) => !b.startsWith("event: ping"))
        .join(""),
    )
  })

  it("calls map only for the named types, with the event name, parsed data and id", async () => {
    const map = vi.fn(() => undefined)
    const text = 'id: 7\nevent: content_block_start\ndata: {"index":0}\n\nevent: ping\ndata: {}\n\n'
    await run(createEventMapper({ types: ["content_block_start", "message_stop"], map }), [utf8.encode(text)])
    expect(map.mock.calls).toEqual([[{ type: "content_block_start", data: { index: 0 }, id: "7" }]])
  })

  it("writes the id of a replaced event that had one", async () => {
    const text = 'id: 42\nevent: a\ndata: {"x":1}\n\n'
    const mapper = createEventMapper({ map: (event) => ({ ...event, data: { x: 2 } }) })
    expect(decode(await run(mapper, [utf8.encode(text)]))).toBe('id: 42\nevent: a\ndata: {"x":2}\n\n')
  })

  it("passes events whose data is not JSON, and comments, unchanged without calling map", async () => {
    const map = vi.fn(() => null)
    const text = ": keep-alive\n\nevent: message_start\ndata: {not json\n\ndata: plain text\n\n"
    const bytes = utf8.encode(text)
    expect(sameBytes(await run(createEventMapper({ map }), chunksOf(bytes, 5)), bytes)).toBe("equal")
    expect(map).not.toHaveBeenCalled()
  })

  it("passes arbitrary bytes through unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bytes, cuts) => {
          const output = await run(createEventMapper({ map: () => undefined }), splitAt(bytes, cuts))
          expect(sameBytes(output, bytes)).toBe("equal")
        },
      ),
      { numRuns: 300 },
    )
  })

  it("keeps a leading BOM when the first event is rewritten", async () => {
    const bytes = utf8.encode('\uFEFFevent: a\ndata: {"x":1}\n\n')
    const mapper = createEventMapper({ map: (event) => ({ ...event, data: { x: 2 } }) })
    expect(decode(await run(mapper, chunksOf(bytes, 1)))).toBe('\uFEFFevent: a\ndata: {"x":2}\n\n')
  })

  it("rewrites an event at the end of input that has no blank line after it", async () => {
    const mapper = renameTool("get_weather", "weather.get")
    const text =
      'event: content_block_start\ndata: {"content_block":{"type":"tool_use","name":"get_weather"}}'
    expect(decode(await run(mapper, chunksOf(utf8.encode(text), 11)))).toBe(
      'event: content_block_start\ndata: {"content_block":{"type":"tool_use","name":"weather.get"}}\n\n',
    )
  })

  it("passes an event larger than maxEventBytes unchanged, as it arrives, and maps the next one", async () => {
    const map = vi.fn((event: SseEvent) => ({ ...event, data: "mapped" }))
    const big = `event: a\ndata: ${"x".repeat(5_000)}\n\n`
    const chunks = chunksOf(utf8.encode(`${big}event: a\ndata: {}\n\n`), 700)
    const mapper = createEventMapper({ map, maxEventBytes: 1_000 })
    const writer = mapper.writable.getWriter()
    const reader = mapper.readable.getReader()
    void writer.write(chunks[0]!)
    void writer.write(chunks[1]!)
    // Out before the event is complete: it is not held back once it outgrows the limit.
    const first = await reader.read()
    expect(decode(first.value!)).toBe(big.slice(0, 1_400))
    for (const chunk of chunks.slice(2)) void writer.write(chunk)
    void writer.close()
    const rest = await collect(new ReadableStream({ start: (c) => void pump(c) }))
    async function pump(c: ReadableStreamDefaultController<Uint8Array>) {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return c.close()
        c.enqueue(value)
      }
    }
    expect(decode(concat([first.value!, rest]))).toBe(`${big}event: a\ndata: "mapped"\n\n`)
    expect(map).toHaveBeenCalledTimes(1)
  })

  it("holds back only events it may rewrite: a named event of another type goes on as it arrives", async () => {
    const mapper = renameTool("get_weather", "weather.get")
    const writer = mapper.writable.getWriter()
    const reader = mapper.readable.getReader()
    void writer.write(utf8.encode('event: content_block_delta\ndata: {"type":"content_blo'))
    expect(decode((await reader.read()).value!)).toBe(
      'event: content_block_delta\ndata: {"type":"content_blo',
    )
    // An event that may be a tool_use start (or whose name is not known yet) waits until it is complete.
    void writer.write(utf8.encode('ck_delta"}\n\nevent: content_block_start\ndata: {"content_block":'))
    expect(decode((await reader.read()).value!)).toBe('ck_delta"}\n\n')
    void writer.write(utf8.encode('{"type":"tool_use","name":"get_weather"}}\n\n'))
    expect(decode((await reader.read()).value!)).toBe(
      'event: content_block_start\ndata: {"content_block":{"type":"tool_use","name":"weather.get"}}\n\n',
    )
  })

  it("hands what one small write gives to the reader as one chunk, and a large one as views of it", async () => {
    const tool = (name: string) =>
      `event: content_block_start\ndata: {"content_block":{"type":"tool_use","name":"${name}"}}\n\n`
    const delta = 'event: content_block_delta\ndata: {"delta":{"type":"text_delta","text":"hi"}}\n\n'
    const small = utf8.encode(`${delta}${tool("get_weather")}${delta}${tool("get_weather")}${delta}`)
    const expected = decode(small).replaceAll('"get_weather"', '"weather.get"')
    const reads = await collectReads(streamOf([small]).pipeThrough(renameTool("get_weather", "weather.get")))
    expect(reads.map(decode)).toEqual([expected])

    const large = utf8.encode(`${delta.repeat(100)}${tool("get_weather")}${delta.repeat(100)}`)
    const pieces = await collectReads(streamOf([large]).pipeThrough(renameTool("get_weather", "weather.get")))
    expect(pieces).toHaveLength(3)
    expect(pieces[0]!.buffer).toBe(large.buffer)
    expect(pieces[2]!.buffer).toBe(large.buffer)
    expect(decode(concat(pieces))).toBe(decode(large).replace('"get_weather"', '"weather.get"'))
  })

  it("passes a 10 MB line unchanged", async () => {
    const bytes = concat([
      utf8.encode(`event: content_block_delta\ndata: ${"x".repeat(10 * 1024 * 1024)}\n\n`),
      transcript("text"),
    ])
    const output = await run(renameTool("a", "b"), chunksOf(bytes, 64 * 1024))
    expect(sameBytes(output, bytes)).toBe("equal")
  })

  it("is not fooled by a reader that transfers the buffers it receives", async () => {
    const bytes = transcript("tool-use")
    const expected = await run(renameTool("get_weather", "weather.get"), [bytes])
    const received = await collectDetaching(
      streamOf(chunksOf(bytes, 23)).pipeThrough(renameTool("get_weather", "weather.get")),
    )
    expect(sameBytes(received, expected)).toBe("equal")
  })

  it("fails the stream with ERR_SSE_MAP_FAILED when map throws, with the thrown error as cause", async () => {
    const bug = new Error("map bug")
    const mapper = createEventMapper({
      map: () => {
        throw bug
      },
    })
    const error = await run(mapper, [transcript("text")]).catch((e: unknown) => e)
    expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.MAP_FAILED)
    expect((error as Error).cause).toBe(bug)
  })

  it("fails the stream with ERR_SSE_MAP_FAILED when map returns an event that cannot be written", async () => {
    const results: unknown[] = [
      { type: "two\nlines", data: {} },
      { type: "", data: {} },
      { type: "a", data: 10n },
      { type: "a", data: undefined },
      { type: "a", data: {}, id: "x\ny" },
      "not an event",
    ]
    for (const result of results) {
      const mapper = createEventMapper({ map: () => result as SseEvent })
      const error = await run(mapper, [transcript("text")]).catch((e: unknown) => e)
      expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.MAP_FAILED)
    }
  })

  it("rejects options of the wrong type with ERR_SSE_INVALID_OPTIONS", () => {
    const bad = [
      undefined,
      {},
      { map: "x" },
      { map: () => undefined, types: "ping" },
      { map: () => undefined, maxEventBytes: -1 },
    ]
    for (const options of bad) {
      const error = thrownBy(() => createEventMapper(options as never))
      expect(isSseTransformError(error) && error.code).toBe(SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS)
    }
  })
})
