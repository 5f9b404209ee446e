// Added latency of pool-fetch against plain fetch, both to the same loopback mock (in its own process) in the same
// run, interleaved request by request (the order inside each pair alternates) so machine noise hits both alike:
// non-streaming total time, streaming time to first byte and total time, p50 and p99.
// Targets: p50 ≤ 1.05×, p99 ≤ 1.10× (or ≤ 0.3 ms added).
// Also the CPU time this process spends per request (process.cpuUsage around each one; the mock's is its own), which
// machine noise moves less than wall time: what the pool itself costs.
// Run: pnpm bench pool-fetch   (or, after a build: node --expose-gc bench/pool-fetch.bench.mjs [requests])
import { createPoolFetch } from "@keyrelay/pool-fetch"
import {
  BODY,
  KEYS,
  openBenchStore,
  percentile,
  startMockProcess,
  writeResults,
} from "./pool-fetch-setup.mjs"

const N = Number(process.argv[2] ?? 2000)
const WARMUP = 300

const mock = await startMockProcess()
const bench = await openBenchStore(mock.url)
const pool = await createPoolFetch({ store: bench.store, directory: "/bench/project", host: "bench/1.0" })

const json = JSON.stringify(BODY)
const streamJson = JSON.stringify({ ...BODY, stream: true })

const plain = (body) =>
  fetch(`${mock.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": KEYS.a1 },
    body,
  })
const pooled = (body) =>
  pool("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body,
  })

async function time(send, body) {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const response = await send(body)
  const reader = response.body.getReader()
  let ttfb
  for (;;) {
    const { done, value } = await reader.read()
    if (ttfb === undefined && value !== undefined) ttfb = performance.now() - start
    if (done) break
  }
  const total = performance.now() - start
  const used = process.cpuUsage(cpu)
  if (response.status !== 200) throw new Error(`status ${response.status}`)
  return { ttfb, total, cpu: (used.user + used.system) / 1000 }
}

async function run(body, n) {
  const results = { plain: { ttfb: [], total: [], cpu: [] }, pool: { ttfb: [], total: [], cpu: [] } }
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? ["plain", "pool"] : ["pool", "plain"]
    for (const which of order) {
      const r = await time(which === "plain" ? plain : pooled, body)
      results[which].ttfb.push(r.ttfb)
      results[which].total.push(r.total)
      results[which].cpu.push(r.cpu)
    }
  }
  for (const side of Object.values(results))
    for (const list of Object.values(side)) list.sort((a, b) => a - b)
  return results
}

await run(json, WARMUP)
await run(streamJson, WARMUP)
globalThis.gc?.()
const jsonRun = await run(json, N)
globalThis.gc?.()
const streamRun = await run(streamJson, N)

const rows = []
const row = (name, results, metric) => {
  for (const p of [50, 99]) {
    const base = percentile(results.plain[metric], p)
    const ours = percentile(results.pool[metric], p)
    rows.push({
      measure: `${name} ${metric} p${p}`,
      plainMs: +base.toFixed(3),
      poolMs: +ours.toFixed(3),
      ratio: +(ours / base).toFixed(3),
      addedMs: +(ours - base).toFixed(3),
    })
  }
}
row("json", jsonRun, "total")
row("stream", streamRun, "ttfb")
row("stream", streamRun, "total")
console.log(`${N} requests per mode and side, interleaved; mock in a child process on 127.0.0.1\n`)
console.table(rows)
const cpu = [
  ["json", jsonRun],
  ["stream", streamRun],
].map(([name, results]) => {
  const base = percentile(results.plain.cpu, 50) * 1000
  const ours = percentile(results.pool.cpu, 50) * 1000
  return {
    mode: name,
    plainCpuUs: Math.round(base),
    poolCpuUs: Math.round(ours),
    addedCpuUs: Math.round(ours - base),
  }
})
console.log("CPU of this process per request, p50 (µs):")
console.table(cpu)
const pass = rows.every((r) => {
  const limit = r.measure.endsWith("p50") ? 1.05 : 1.1
  return r.ratio <= limit || r.addedMs <= 0.3
})
console.log(`targets (p50 ≤ 1.05×, p99 ≤ 1.10×, or ≤ 0.3 ms added): ${pass ? "met" : "NOT met"}`)
writeResults("pool-fetch", { requests: N, node: process.version, rows, cpu, targetsMet: pass })

await pool.close()
await bench.close()
await mock.close()
