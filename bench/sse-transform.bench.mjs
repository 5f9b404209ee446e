// @keyrelay/sse-transform: a 200 MB stream of realistic Anthropic events (thinking, text, tool calls with
// streamed JSON input, pings) through
//   (a)  a bare pass-through TransformStream: the baseline every ratio refers to;
//   (a') a bare pass-through built like the package's streams (a ReadableStream and a WritableStream joined),
//        to tell the cost of the streams from the cost of reading the events;
//   (b)  the observer;
//   (c)  the mapper, renaming the tool of every tool_use block;
//   (d)  a naive transform: decode every byte, parse every event, re-encode;
//   (e)  for the record, an observer built on eventsource-parser 3.1.1 (decode every byte, frame every line,
//        parse the events a summary needs): the design the byte-level framer replaced.
// Four chunkings: network reads of 64–1024 B cut anywhere (the headline: a live Messages stream through
// fetch, where the API flushes each event and a read carries one or a few), one event per chunk, and bulk
// 16 KiB and 64 KiB chunks (a replayed recording, a buffering proxy); each chunking in a process of its own.
// Figures per lane: MB/s by the wall clock and per CPU-second of this process (steadier on a shared machine),
// the best of the rounds, lanes interleaved round by round; the ratio of each to (a); heap + ArrayBuffer
// memory growth between 20% and 100% of the stream, measured after a forced GC with the pipeline alive
// (flat memory: about 0), and the peak growth over the lane's start.
//
// Run: pnpm bench sse-transform
// or:  node --expose-gc bench/sse-transform.bench.mjs --mb 200 --rounds 3 --other-rounds 2
// To compare a change with an earlier build in the same run (same machine, same noise), build the earlier
// version's package and pass its dist: --baseline path/to/sse-transform/dist adds lanes (b0) and (c0).
// --lanes <regex> runs only the lanes whose names match (and (a), which every ratio refers to).
import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { createEventMapper, createStreamObserver } from "@keyrelay/sse-transform"

const here = dirname(fileURLToPath(import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const stringArg = (name) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : process.argv[i + 1]
}
const TOTAL_MB = arg("mb", 200)
const ROUNDS = arg("rounds", 3)
const OTHER_ROUNDS = arg("other-rounds", 2)
const TOTAL = TOTAL_MB * 1e6
if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc (bench/run.mjs does)")
  process.exit(2)
}

// eventsource-parser is a devDependency of the package (its framing oracle), resolved from there.
const requireFromPackage = createRequire(import.meta.resolve("@keyrelay/sse-transform"))
const { createParser } = await import(requireFromPackage.resolve("eventsource-parser"))
const baselineDist = stringArg("baseline")
const baseline =
  baselineDist === undefined ? undefined : await import(pathToFileURL(resolve(baselineDist, "index.js")).href)

// ---- a realistic stream ------------------------------------------------------------------------------

let seed = 0x5eed
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x80000000
}
const words =
  "the of and to in is that for it as with was on be by this are or an at from which but not have has can will more one all their there been if when into about would time only".split(
    " ",
  )
const phrase = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ")
const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`

// Blocks as a model writes them: thinking with a signature, text, a tool call with streamed JSON input, pings.
function blocks(index) {
  let out = ""
  out += sse("content_block_start", {
    type: "content_block_start",
    index,
    content_block: { type: "thinking", thinking: "", signature: "" },
  })
  for (let i = 0; i < 12; i++) {
    out += sse("content_block_delta", {
      type: "content_block_delta",
      index,
      delta: { type: "thinking_delta", thinking: ` ${phrase(2 + Math.floor(random() * 10))}` },
    })
  }
  out += sse("content_block_delta", {
    type: "content_block_delta",
    index,
    delta: {
      type: "signature_delta",
      signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds-bench",
    },
  })
  out += sse("content_block_stop", { type: "content_block_stop", index })
  out += sse("content_block_start", {
    type: "content_block_start",
    index: index + 1,
    content_block: { type: "text", text: "" },
  })
  for (let i = 0; i < 30; i++) {
    out += sse("content_block_delta", {
      type: "content_block_delta",
      index: index + 1,
      delta: { type: "text_delta", text: ` ${phrase(1 + Math.floor(random() * 8))}` },
    })
    if (i % 10 === 9) out += sse("ping", { type: "ping" })
  }
  out += sse("content_block_stop", { type: "content_block_stop", index: index + 1 })
  out += sse("content_block_start", {
    type: "content_block_start",
    index: index + 2,
    content_block: { type: "tool_use", id: `toolu_01Bench${index}`, name: "read_file_v2", input: {} },
  })
  const input = JSON.stringify({ path: `src/${phrase(3).replaceAll(" ", "/")}.ts`, offset: 0, limit: 200 })
  for (let at = 0; at < input.length; at += 12) {
    out += sse("content_block_delta", {
      type: "content_block_delta",
      index: index + 2,
      delta: { type: "input_json_delta", partial_json: input.slice(at, at + 12) },
    })
  }
  out += sse("content_block_stop", { type: "content_block_stop", index: index + 2 })
  return out
}

const encoder = new TextEncoder()
const head = encoder.encode(
  sse("message_start", {
    type: "message_start",
    message: {
      id: "msg_01BenchStream",
      type: "message",
      role: "assistant",
      content: [],
      model: "claude-sonnet-5",
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 18000, cache_read_input_tokens: 120000, output_tokens: 1 },
    },
  }),
)
const tail = encoder.encode(
  sse("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 4_000_000 },
  }) + sse("message_stop", { type: "message_stop" }),
)
// About 4 MB of blocks, repeated to the stream's length (the tools repeat their block indexes; the byte
// stream stays well formed).
let pattern = ""
for (let index = 0; pattern.length < 4e6; index += 3) pattern += blocks(index)
const body = encoder.encode(pattern)
const eventCount = pattern.split("\n\n").length - 1
const meanEventBytes = body.length / eventCount

function cut(bytes, sizeOf) {
  const chunks = []
  for (let at = 0; at < bytes.length; ) {
    const size = Math.min(sizeOf(), bytes.length - at)
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return chunks
}

// The same chunk views are enqueued again and again: the source costs next to nothing in every lane.
const REPEATS = Math.max(1, Math.round((TOTAL - head.length - tail.length) / body.length))
function source(chunks, repeats) {
  let round = 0
  let i = 0
  let state = "head"
  return new ReadableStream(
    {
      pull(controller) {
        if (state === "head") {
          controller.enqueue(head)
          state = "body"
        } else if (state === "body") {
          controller.enqueue(chunks[i++])
          if (i === chunks.length) {
            i = 0
            if (++round === repeats) state = "tail"
          }
        } else if (state === "tail") {
          controller.enqueue(tail)
          state = "done"
        } else {
          controller.close()
        }
      },
    },
    { highWaterMark: 0 },
  )
}

// ---- the lanes ---------------------------------------------------------------------------------------

const renamed = new Map([["read_file_v2", "read.file/v2"]])
const toolBlocksPerPattern = pattern.split('"type":"tool_use"').length - 1
let renames = 0

// What the package's streams are made of (a ReadableStream and a WritableStream joined, with the same
// backpressure as TransformStream), doing nothing: separates the cost of the streams from that of parsing.
function bareStreamPair() {
  let readableController
  let release
  let backpressure = true
  const readable = new ReadableStream(
    {
      start: (c) => {
        readableController = c
      },
      pull: () => {
        backpressure = false
        release?.()
        release = undefined
      },
    },
    { highWaterMark: 0 },
  )
  const writable = new WritableStream(
    {
      async write(chunk) {
        if (backpressure) await new Promise((resolve) => (release = resolve))
        readableController.enqueue(chunk)
        backpressure = true
      },
      close: () => readableController.close(),
    },
    { highWaterMark: 1 },
  )
  return { readable, writable }
}

const observerLane = (create) => () => {
  const observer = create()
  observer.summary.then((s) => {
    if (!s.sawMessageStop || s.usage.outputTokens !== 4_000_000) throw new Error("observer summary is wrong")
  })
  return observer
}
const mapperLane = (create) => () =>
  create({
    types: ["content_block_start"],
    map(event) {
      const block = event.data.content_block
      if (block?.type !== "tool_use" || !renamed.has(block.name)) return undefined
      renames++
      return {
        ...event,
        data: { ...event.data, content_block: { ...block, name: renamed.get(block.name) } },
      }
    },
  })

const allLanes = {
  "(a) pass-through TransformStream": () => new TransformStream(),
  "(a') pass-through stream pair": bareStreamPair,
  "(b) observer": observerLane(createStreamObserver),
  ...(baseline && { "(b0) observer, --baseline build": observerLane(baseline.createStreamObserver) }),
  "(c) mapper, renaming tools": mapperLane(createEventMapper),
  ...(baseline && { "(c0) mapper, --baseline build": mapperLane(baseline.createEventMapper) }),
  "(d) naive decode→parse→encode": () => {
    const decoder = new TextDecoder()
    let pending = ""
    return new TransformStream({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true })
        const events = pending.split("\n\n")
        pending = events.pop()
        let out = ""
        for (const event of events) {
          const lines = event.split("\n")
          const name = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message"
          const data = JSON.parse(lines.find((l) => l.startsWith("data: ")).slice(6))
          if (data.content_block?.name && renamed.has(data.content_block.name)) {
            data.content_block.name = renamed.get(data.content_block.name)
          }
          out += `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
        }
        if (out) controller.enqueue(encoder.encode(out))
      },
      flush(controller) {
        if (pending) controller.enqueue(encoder.encode(pending))
      },
    })
  },
  "(e) observer on eventsource-parser": () => {
    const decoder = new TextDecoder()
    let sawStop = false
    const parser = createParser({
      onEvent(event) {
        if (event.event === "message_start" || event.event === "message_delta" || event.event === "error") {
          JSON.parse(event.data)
        } else if (event.event === "message_stop") sawStop = true
      },
    })
    return new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk)
        parser.feed(decoder.decode(chunk, { stream: true }))
      },
      flush() {
        parser.feed(decoder.decode())
        if (!sawStop) throw new Error("eventsource-parser lane missed message_stop")
      },
    })
  },
}

const lanePattern = new RegExp(stringArg("lanes") ?? ".")
const lanes = Object.fromEntries(
  Object.entries(allLanes).filter(([name]) => name.startsWith("(a)") || lanePattern.test(name)),
)

// Heap plus the memory of ArrayBuffers (where held-back bytes live).
const memory = () => {
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}

async function runLane(name, make, chunks, repeats = REPEATS) {
  gc()
  const before = memory()
  const expected = head.length + tail.length + body.length * repeats
  let at20 = 0
  let atEnd = 0
  let peak = before
  let nextSample = 8e6
  renames = 0
  const reader = source(chunks, repeats).pipeThrough(make()).getReader()
  let bytes = 0
  let paused = 0
  const wall = performance.now()
  const cpu = process.cpuUsage()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.length
    if (bytes >= nextSample) {
      nextSample += 8e6
      const t = performance.now()
      const c = process.cpuUsage()
      peak = Math.max(peak, memory())
      if (at20 === 0 && bytes >= expected * 0.2) {
        gc()
        at20 = memory()
      } else if (at20 !== 0 && bytes + 8e6 >= expected && atEnd === 0) {
        // Near the end, with the whole pipeline still alive.
        gc()
        atEnd = memory()
      }
      paused += performance.now() - t
      const spent = process.cpuUsage(c)
      cpuPaused += (spent.user + spent.system) / 1000
    }
  }
  const wallMs = performance.now() - wall - paused
  const spent = process.cpuUsage(cpu)
  const cpuMs = (spent.user + spent.system) / 1000 - cpuPaused
  cpuPaused = 0
  if (name.startsWith("(c") && renames !== toolBlocksPerPattern * repeats) {
    throw new Error(`the mapper renamed ${renames} tools, expected ${toolBlocksPerPattern * repeats}`)
  }
  if (bytes !== expected) throw new Error(`${name} passed ${bytes} bytes, expected ${expected}`)
  return {
    bytes,
    wallMBps: bytes / 1e3 / wallMs,
    cpuMBps: bytes / 1e3 / cpuMs,
    growthMB: ((atEnd || at20) - at20) / 1e6,
    peakMB: (peak - before) / 1e6,
  }
}
let cpuPaused = 0

const best = (xs) => Math.max(...xs)

async function table(title, chunks, rounds) {
  const meanChunk = body.length / chunks.length
  const runs = Object.fromEntries(Object.keys(lanes).map((name) => [name, []]))
  // A short warm-up, then the lanes interleaved round by round, so that a noisy neighbour hurts all alike.
  for (const [name, make] of Object.entries(lanes)) await runLane(name, make, chunks, 2)
  for (let r = 0; r < rounds; r++) {
    for (const [name, make] of Object.entries(lanes)) runs[name].push(await runLane(name, make, chunks))
  }
  const baseWall = best(runs["(a) pass-through TransformStream"].map((x) => x.wallMBps))
  const baseCpu = best(runs["(a) pass-through TransformStream"].map((x) => x.cpuMBps))
  const rows = Object.entries(runs).map(([lane, xs]) => {
    const wall = best(xs.map((x) => x.wallMBps))
    const cpu = best(xs.map((x) => x.cpuMBps))
    return {
      lane,
      "MB/s": Math.round(wall),
      "× (a)": Number((wall / baseWall).toFixed(2)),
      "MB/CPU-s": Math.round(cpu),
      "× (a) CPU": Number((cpu / baseCpu).toFixed(2)),
      "growth 20→100% MB": Number(Math.max(...xs.map((x) => x.growthMB)).toFixed(2)),
      "peak growth MB": Number(Math.max(...xs.map((x) => x.peakMB)).toFixed(1)),
    }
  })
  const mb = (runs["(a) pass-through TransformStream"][0].bytes / 1e6).toFixed(0)
  console.log(`\n${title}: ${mb} MB, mean chunk ${Math.round(meanChunk)} B, best of ${rounds} round(s)`)
  console.table(rows)
  return { title, meanChunkBytes: Math.round(meanChunk), rounds, rows }
}

// Each chunking runs in a process of its own, so that code compiled for one never colours another.
const tables = [
  [
    "Network reads of 64–1024 B, cut anywhere",
    ROUNDS,
    () => {
      seed = 0xc0ffee
      return cut(body, () => 64 + Math.floor(random() * 961))
    },
  ],
  [
    "One event per chunk, as the API flushes them",
    OTHER_ROUNDS,
    () => pattern.split(/(?<=\n\n)/).map((event) => encoder.encode(event)),
  ],
  ["Bulk 16 KiB chunks", OTHER_ROUNDS, () => cut(body, () => 16384)],
  ["Bulk 64 KiB chunks", OTHER_ROUNDS, () => cut(body, () => 65536)],
]
const only = arg("table", -1)
if (only >= 0) {
  const [title, rounds, chunks] = tables[only]
  const result = await table(title, chunks(), rounds)
  writeFileSync(process.env.SSE_BENCH_OUT, JSON.stringify(result))
} else {
  console.log(
    `${process.version}; a ${(body.length / 1e6).toFixed(1)} MB pattern of ${eventCount} events (mean ${Math.round(meanEventBytes)} B), repeated to ${TOTAL_MB} MB`,
  )
  mkdirSync(join(here, "results"), { recursive: true })
  const results = []
  for (let i = 0; i < tables.length; i++) {
    const out = join(here, "results", `sse-transform.table-${i}.tmp.json`)
    const child = spawnSync(
      process.execPath,
      ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2), "--table", String(i)],
      { stdio: "inherit", env: { ...process.env, SSE_BENCH_OUT: out } },
    )
    if (child.status !== 0) process.exit(child.status ?? 1)
    results.push(JSON.parse(readFileSync(out, "utf8")))
    rmSync(out)
  }
  writeFileSync(
    join(here, "results", "sse-transform.json"),
    `${JSON.stringify({ node: process.version, totalMB: TOTAL_MB, meanEventBytes, baseline: baselineDist, results }, null, 2)}\n`,
  )
}
