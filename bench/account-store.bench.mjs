// Benchmarks @keyrelay/account-store:
//  1. the hot path: one request's outcome and usage recorded (memory only), against a baseline of the same
//     counters added into a plain Map in the same run, with a count of file-system operations started meanwhile;
//  2. contended, locked read-merge-write throughput with 1, 2, 4 and 8 processes (baseline: 1 process);
//  3. cold import time of the package in a fresh Node and Bun process (the plugin's budget is 50 ms in total).
// Writes results/account-store.json. Run: pnpm bench account-store

import { createHook } from "node:async_hooks"
import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { openAccountStore } from "@keyrelay/account-store"

const here = dirname(fileURLToPath(import.meta.url))
const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"

if (process.argv[2] === "--worker") {
  // A contending process: waits for "go" on stdin, then does <count> locked merges of one usage delta each.
  const [, , , home, count] = process.argv
  const store = await openAccountStore({ home, watch: false, flushOnExit: false, lockTimeoutMs: 120_000 })
  process.stdout.write("ready\n")
  await new Promise((resolve) => process.stdin.once("data", resolve))
  const started = performance.now() + performance.timeOrigin
  for (let i = 0; i < Number(count); i++) {
    store.recordUsage({
      accountId: ACCOUNT,
      model: "claude-bench",
      project: String(process.pid),
      inputTokens: 1,
    })
    await store.flush()
  }
  const ended = performance.now() + performance.timeOrigin
  await store.close()
  process.stdout.write(`${JSON.stringify({ started, ended })}\n`)
  process.exit(0)
}

const scratch = mkdtempSync(join(tmpdir(), "keyrelay-bench-store-"))
const results = { hotPath: {}, contended: [], coldImport: {} }

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

// ---------------------------------------------------------------- 1. hot path
{
  const home = join(scratch, "hot")
  const store = await openAccountStore({ home, watch: false, flushOnExit: false, flushIntervalMs: 3_600_000 })
  const account = await store.addAccount({
    label: "bench",
    credential: { kind: "env", variable: "BENCH_KEY" },
  })
  const record = (i) => {
    store.recordOutcome({
      accountId: account.id,
      class: "ok",
      status: 200,
      health: { score: 1, updatedAt: i },
    })
    store.recordUsage({
      accountId: account.id,
      model: "claude-sonnet-4-5",
      project: "/home/me/project",
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 5000,
      costMicroUsd: 8100,
    })
  }
  const map = new Map()
  const baseline = (i) => {
    const key = `${account.id}|claude-sonnet-4-5|/home/me/project|2026-01-01`
    let cell = map.get(key)
    if (!cell) {
      cell = { requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cost: 0, at: 0 }
      map.set(key, cell)
    }
    cell.requests++
    cell.inputTokens += 1200
    cell.outputTokens += 300
    cell.cacheReadTokens += 5000
    cell.cost += 8100
    cell.at = i
  }
  const N = 200_000
  for (let i = 0; i < 20_000; i++) {
    record(i)
    baseline(i)
  }
  const measure = (fn) => {
    globalThis.gc?.()
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) fn(i)
    return Number(process.hrtime.bigint() - t) / N
  }
  const fsOps = []
  const hook = createHook({
    init(_id, type) {
      if (/FS|FILE|STATWATCHER|PIPE|TCP|PROCESS/i.test(type)) fsOps.push(type)
    },
  })
  const mtimeBefore = statSync(join(home, "accounts.json")).mtimeMs
  // The proof runs with an async hook that sees every file-system request started; the timing runs without
  // it, since an enabled hook slows everything down.
  hook.enable()
  for (let i = 0; i < N; i++) record(i)
  hook.disable()
  const samples = []
  for (let round = 0; round < 5; round++) {
    const base = measure(baseline)
    const ns = measure(record)
    samples.push({ ns, base })
  }
  const ns = median(samples.map((s) => s.ns))
  const base = median(samples.map((s) => s.base))
  results.hotPath = {
    recordNsPerRequest: Math.round(ns),
    baselineNsPerRequest: Math.round(base),
    ratio: +(ns / base).toFixed(1),
    fsOperationsStarted: fsOps.length,
    filesWritten: statSync(join(home, "accounts.json")).mtimeMs !== mtimeBefore ? 1 : 0,
    requestsRecorded: store.usage()[0].requests,
  }
  await store.close()
  console.log("hot path: recordOutcome + recordUsage for one request")
  console.table([
    { what: "account-store (memory only)", "ns/request": Math.round(ns), ratio: results.hotPath.ratio },
    { what: "baseline: Map counter update", "ns/request": Math.round(base), ratio: 1 },
  ])
  console.log(`file-system operations started during ${N} recorded requests: ${fsOps.length}`)
}

// ---------------------------------------------------------------- 2. contended throughput
const PER_PROCESS = Number(process.env.KEYRELAY_BENCH_UPDATES ?? 150)
for (const processes of [1, 2, 4, 8]) {
  const home = join(scratch, `contended-${processes}`)
  mkdirSync(home, { recursive: true })
  const workers = Array.from({ length: processes }, () => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), "--worker", home, String(PER_PROCESS)],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    )
    let out = ""
    child.stdout.on("data", (d) => {
      out += d
    })
    const ready = new Promise((resolve) => {
      const check = () => (out.includes("ready\n") ? resolve() : setTimeout(check, 5))
      check()
    })
    const done = new Promise((resolve, reject) =>
      child.on("exit", (code) =>
        code === 0
          ? resolve(JSON.parse(out.split("\n").filter(Boolean).pop()))
          : reject(new Error(`worker exited ${code}`)),
      ),
    )
    return { child, ready, done }
  })
  await Promise.all(workers.map((w) => w.ready))
  for (const w of workers) w.child.stdin.end("go\n")
  const timings = await Promise.all(workers.map((w) => w.done))
  const seconds =
    (Math.max(...timings.map((t) => t.ended)) - Math.min(...timings.map((t) => t.started))) / 1000
  const check = await openAccountStore({ home, watch: false, flushOnExit: false })
  const counted = check.usage().reduce((sum, row) => sum + row.requests, 0)
  await check.close()
  const updates = processes * PER_PROCESS
  if (counted !== updates) throw new Error(`lost updates: ${counted} of ${updates}`)
  results.contended.push({
    processes,
    updates,
    seconds: +seconds.toFixed(2),
    updatesPerSecond: Math.round(updates / seconds),
  })
}
const single = results.contended[0].updatesPerSecond
for (const row of results.contended) row.ratio = +(row.updatesPerSecond / single).toFixed(2)
console.log(`\ncontended locked merges (read + merge + atomic write with fsync), ${PER_PROCESS} per process`)
console.table(results.contended)

// ---------------------------------------------------------------- 3. cold import
const entry = fileURLToPath(import.meta.resolve("@keyrelay/account-store"))
const probe = `const t=performance.now();await import(${JSON.stringify(entry)});console.log(performance.now()-t)`
const bun = join(here, "..", "node_modules", ".bin", "bun")
for (const [runtime, command, args] of [
  ["node", process.execPath, ["--input-type=module", "-e", probe]],
  ["bun", bun, ["-e", probe]],
]) {
  const times = []
  for (let i = 0; i < 7; i++) {
    const r = spawnSync(command, args, { encoding: "utf8" })
    if (r.status === 0) times.push(Number(r.stdout.trim()))
  }
  if (times.length) results.coldImport[runtime] = +median(times).toFixed(1)
}
console.log("\ncold import of @keyrelay/account-store (median of 7 fresh processes, ms)")
console.table(results.coldImport)

rmSync(scratch, { recursive: true, force: true })
mkdirSync(join(here, "results"), { recursive: true })
writeFileSync(join(here, "results", "account-store.json"), `${JSON.stringify(results, null, 2)}\n`)
