// @keyrelay/sse-transform: a 200 MB stream of realistic Anthropic events through
//   (a) a bare pass-through TransformStream (the baseline),
//   (b) the observer,
//   (c) the mapper renaming the tool of every tool_use block,
//   (d) a naive decode → parse every event → re-encode transform,
//   (e) for the record, an observer built on eventsource-parser 3.1.1 (decode every byte, frame every line,
//       parse the events the summary needs): the design the byte-level framer replaced.
// Chunks are cut at random sizes of 64–1024 bytes, not aligned with events: what a Messages stream looks like
// through fetch, where the API flushes every event and each network read carries one or a few of them. A
// second table repeats the run with bulk 16 KiB and 64 KiB chunks (a replayed recording, a buffering proxy).
// Figures: MB/s (median of the rounds), ratio to (a), and heap growth, measured after a forced GC at 20% and
// at 100% of the stream while the pipeline is alive (flat memory means ~0), plus the peak heap seen.
//
// Run: pnpm bench sse-transform    (options: --mb 200 --rounds 3 --bulk-rounds 1)
import { mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { createEventMapper, createStreamObserver } from "@keyrelay/sse-transform"

const here = dirname(fileURLToPath(import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const TOTAL_MB = arg("mb", 200)
const ROUNDS = arg("rounds", 3)
const BULK_ROUNDS = arg("bulk-rounds", 1)
const TOTAL = TOTAL_MB * 1e6
if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc (bench/run.mjs does)")
  process.exit(2)
}

// eventsource-parser is a devDependency of the package (its framing oracle), resolved from there.
const requireFromPackage = createRequire(import.meta.resolve("@keyrelay/sse-transform"))
const { createParser } = await import(requireFromPackage.resolve("eventsource-parser"))

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
const lanes = {
  "(a) pass-through": () => new TransformStream(),
  "(b) observer": () => {
    const observer = createStreamObserver()
    observer.summary.then((s) => {
      if (!s.sawMessageStop || s.usage.outputTokens !== 4_000_000)
        throw new Error("observer summary is wrong")
    })
    return observer
  },
  "(c) mapper": () =>
    createEventMapper({
      types: ["content_block_start"],
      map(event) {
        const block = event.data.content_block
        if (block?.type !== "tool_use" || !renamed.has(block.name)) return undefined
        return {
          ...event,
          data: { ...event.data, content_block: { ...block, name: renamed.get(block.name) } },
        }
      },
    }),
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

async function runLane(make, chunks, repeats = REPEATS) {
  gc()
  const before = process.memoryUsage().heapUsed
  const expected = head.length + tail.length + body.length * repeats
  const at20 = expected * 0.2
  let heapAt20 = 0
  let heapAtEnd = 0
  let peak = before
  let nextSample = 8e6
  const reader = source(chunks, repeats).pipeThrough(make()).getReader()
  let bytes = 0
  const started = performance.now()
  let paused = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.length
    if (bytes >= nextSample) {
      nextSample += 8e6
      const t = performance.now()
      const used = process.memoryUsage().heapUsed
      if (used > peak) peak = used
      if (heapAt20 === 0 && bytes >= at20) {
        gc()
        heapAt20 = process.memoryUsage().heapUsed
      }
      if (bytes + 8e6 >= expected && heapAt20 !== 0) {
        // Near the end, while everything is still alive.
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed)
        heapAtEnd = process.memoryUsage().heapUsed
      }
      paused += performance.now() - t
    }
  }
  const ms = performance.now() - started - paused
  return {
    bytes,
    mbPerS: bytes / 1e6 / (ms / 1000),
    retainedGrowthMB: ((heapAtEnd || heapAt20) - heapAt20) / 1e6,
    peakGrowthMB: (peak - before) / 1e6,
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function table(title, sizeOf, rounds) {
  seed = 0xc0ffee
  const chunks = cut(body, sizeOf)
  const meanChunk = body.length / chunks.length
  const runs = Object.fromEntries(Object.keys(lanes).map((name) => [name, []]))
  // Warm-up, then the lanes interleaved round by round, so that a noisy neighbour hurts them all alike.
  for (const make of Object.values(lanes)) await runLane(make, chunks, 2)
  for (let r = 0; r < rounds; r++) {
    for (const [name, make] of Object.entries(lanes)) runs[name].push(await runLane(make, chunks))
  }
  const base = median(runs["(a) pass-through"].map((x) => x.mbPerS))
  const rows = Object.entries(runs).map(([lane, xs]) => {
    const mbPerS = median(xs.map((x) => x.mbPerS))
    return {
      lane,
      "MB/s": Math.round(mbPerS),
      "ratio to (a)": Number((mbPerS / base).toFixed(2)),
      "heap growth 20%→100% (MB)": Number(Math.max(...xs.map((x) => x.retainedGrowthMB)).toFixed(2)),
      "peak heap growth (MB)": Number(Math.max(...xs.map((x) => x.peakGrowthMB)).toFixed(1)),
    }
  })
  console.log(
    `\n${title} — ${(runs["(a) pass-through"][0].bytes / 1e6).toFixed(0)} MB, mean chunk ${Math.round(meanChunk)} B, median of ${rounds} round(s)`,
  )
  console.table(rows)
  return { title, meanChunkBytes: Math.round(meanChunk), rounds, rows }
}

console.log(
  `node ${process.version}; ${eventCount} events in a ${(body.length / 1e6).toFixed(1)} MB pattern, mean event ${Math.round(meanEventBytes)} B`,
)
const results = [
  await table("Network-sized chunks (64–1024 B)", () => 64 + Math.floor(random() * 961), ROUNDS),
  await table("Bulk chunks (16 KiB)", () => 16384, BULK_ROUNDS),
  await table("Bulk chunks (64 KiB)", () => 65536, BULK_ROUNDS),
]
mkdirSync(join(here, "results"), { recursive: true })
writeFileSync(
  join(here, "results", "sse-transform.json"),
  `${JSON.stringify({ node: process.version, totalMB: TOTAL_MB, meanEventBytes, results }, null, 2)}\n`,
)
