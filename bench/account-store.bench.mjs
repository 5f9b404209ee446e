// Benchmarks @keyrelay/account-store:
//  1. the hot path: one request's outcome and usage recorded (memory only), against a baseline of the same
//     counters added into a plain Map in the same run, with a count of file-system operations started meanwhile;
//  2. contended, locked read-merge-write throughput with 1, 2, 4 and 8 processes (baseline: 1 process);
//  3. cold start in fresh Node and Bun processes: import time against a same-size plain-data module, and open time
//     (20 accounts, 30 and 365 days of usage) against reading and parsing the same files. The plugin's budget is
//     50 ms of imports in total; `keyrelay list` must start and print in 150 ms.
// Writes results/account-store.json. Run: pnpm bench account-store
// KEYRELAY_BENCH_LANES=cold-start runs one lane; KEYRELAY_BENCH_STORE_ENTRY=<dist/index.js> measures another build
// (e.g. main's, for a before/after comparison) in the cold-start lane.

import { createHook } from "node:async_hooks"
import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
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
const results = { hotPath: {}, contended: [] }
// KEYRELAY_BENCH_LANES=cold-start (comma-separated: hot-path, contended, cold-start) runs only those lanes.
const lanes = new Set((process.env.KEYRELAY_BENCH_LANES ?? "hot-path,contended,cold-start").split(","))

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

// ---------------------------------------------------------------- 1. hot path
if (lanes.has("hot-path")) {
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
if (lanes.has("contended")) {
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
  console.log(
    `\ncontended locked merges (read + merge + atomic write with fsync), ${PER_PROCESS} per process`,
  )
  console.table(results.contended)
}

// ---------------------------------------------------------------- 3. cold start
// What the CLI and the plugin wait for before they can serve: importing the package, then opening a store of 20
// accounts with 30 days of usage (and, to show how it scales, 365 days) and reading what `keyrelay list` shows.
// Every sample is a fresh process, interleaved with its baselines so machine noise hits them alike:
//   import  vs  importing a plain-data ES module of the same size as the package's JavaScript;
//   open    vs  reading and JSON.parse-ing the same store files (the least any store must do to show them).
// `first read` is listAccounts + state + budgets() right after the open.
if (lanes.has("cold-start")) {
  const SAMPLES = Number(process.env.KEYRELAY_BENCH_SAMPLES ?? 15)
  const entry =
    process.env.KEYRELAY_BENCH_STORE_ENTRY ?? fileURLToPath(import.meta.resolve("@keyrelay/account-store"))
  const bun = join(here, "..", "node_modules", ".bin", "bun")
  const FILES = ["accounts.json", "secrets.json", "rules.json", "config.json", "state.json", "usage.json"]

  const homes = {}
  for (const days of [30, 365]) {
    const home = join(scratch, `cold-${days}`)
    const store = await openAccountStore({ home, watch: false, flushOnExit: false })
    const now = Date.now()
    for (let i = 0; i < 20; i++) {
      const account = await store.addAccount({
        label: `account-${String(i + 1).padStart(2, "0")}`,
        credential: { kind: "api-key", key: `sk-ant-api03-test-bench-${String(i).padStart(24, "0")}` },
        ...(i % 3 === 0 ? { monthlyBudgetUsd: 100 } : {}),
      })
      await store.learnOrganization(account.id, { organizationId: `org-${i % 4}` })
      store.recordOutcome({
        accountId: account.id,
        class: "ok",
        status: 200,
        health: { score: 60 + i, updatedAt: now },
        rateLimits: {
          [`org:org-${i % 4}|sonnet-4.x`]: {
            observedAt: now,
            requests: { limit: 1000, remaining: 900 - i, resetAt: now + 60_000 },
          },
        },
      })
      // Two models × two projects a day: 4 usage cells per account and day.
      for (let d = 0; d < days; d++)
        for (const model of ["claude-sonnet-4-5", "claude-opus-4-5"])
          for (const project of ["/home/me/app", "/home/me/lib"])
            store.recordUsage({
              accountId: account.id,
              model,
              project,
              at: now - d * 86_400_000,
              inputTokens: 1200,
              outputTokens: 300,
              cacheReadTokens: 5000,
              costMicroUsd: 8100,
            })
    }
    await store.close()
    const bytes = FILES.reduce((sum, name) => {
      try {
        return sum + statSync(join(home, name)).size
      } catch {
        return sum
      }
    }, 0)
    homes[days] = { home, bytes }
  }

  // The baseline for import: a module of plain data as large as the JavaScript the package loads at import.
  const jsBytes = readdirSync(dirname(entry))
    .filter((name) => name.endsWith(".js"))
    .reduce((sum, name) => sum + statSync(join(dirname(entry), name)).size, 0)
  const dataModule = join(scratch, "same-size.mjs")
  const row = `  { id: "acc_aaaaaaaaaaaaaaaa", label: "some label", enabled: true, priority: 0 },\n`
  writeFileSync(dataModule, `export default [\n${row.repeat(Math.ceil(jsBytes / row.length))}]\n`)

  const clock = "const ms = () => performance.now()"
  const probes = {
    import: `${clock}; const t = ms(); await import(${JSON.stringify(entry)}); console.log(JSON.stringify({ import: ms() - t }))`,
    "import baseline": `${clock}; const t = ms(); await import(${JSON.stringify(dataModule)}); console.log(JSON.stringify({ import: ms() - t }))`,
  }
  for (const [days, { home }] of Object.entries(homes)) {
    probes[`open ${days}d`] =
      `${clock}; const t0 = ms(); const { openAccountStore } = await import(${JSON.stringify(entry)}); const t1 = ms();` +
      `const store = await openAccountStore({ home: ${JSON.stringify(home)}, watch: false }); const t2 = ms();` +
      "store.listAccounts(); store.state; store.budgets(); const t3 = ms();" +
      "console.log(JSON.stringify({ import: t1 - t0, open: t2 - t1, read: t3 - t2 })); await store.close()"
    probes[`open ${days}d baseline`] =
      `${clock}; const { readFile } = await import("node:fs/promises"); const t = ms();` +
      `for (const name of ${JSON.stringify(FILES)}) { try { JSON.parse(await readFile(${JSON.stringify(home)} + "/" + name, "utf8")) } catch {} }` +
      "console.log(JSON.stringify({ open: ms() - t }))"
  }
  const runtimes = [
    ["node", process.execPath, (src) => ["--input-type=module", "-e", src]],
    ["bun", bun, (src) => ["-e", src]],
  ]
  const samples = {}
  for (let i = 0; i < SAMPLES; i++) {
    for (const [runtime, command, args] of runtimes) {
      for (const [name, source] of Object.entries(probes)) {
        const r = spawnSync(command, args(source), { encoding: "utf8", cwd: scratch })
        if (r.status !== 0) throw new Error(`${runtime} ${name}: ${r.stderr}`)
        samples[runtime] ??= {}
        samples[runtime][name] ??= []
        samples[runtime][name].push(JSON.parse(r.stdout.trim()))
      }
    }
  }
  const med = (runtime, name, field) => median(samples[runtime][name].map((s) => s[field]))
  const round = (x) => +x.toFixed(1)
  results.coldStart = { samples: SAMPLES, entry, jsBytes, fixtures: {}, runtimes: {} }
  for (const [days, { bytes }] of Object.entries(homes))
    results.coldStart.fixtures[`${days}d`] = { accounts: 20, days: Number(days), cellsPerDay: 80, bytes }
  const rows = []
  for (const [runtime] of runtimes) {
    const importMs = med(runtime, "import", "import")
    const importBase = med(runtime, "import baseline", "import")
    const out = {
      importMs: round(importMs),
      importBaselineMs: round(importBase),
      importRatio: round(importMs / importBase),
    }
    rows.push({
      runtime,
      what: "import",
      ms: out.importMs,
      "baseline ms": out.importBaselineMs,
      ratio: out.importRatio,
    })
    for (const days of Object.keys(homes)) {
      const open = med(runtime, `open ${days}d`, "open")
      const read = med(runtime, `open ${days}d`, "read")
      const base = med(runtime, `open ${days}d baseline`, "open")
      const total = median(samples[runtime][`open ${days}d`].map((s) => s.import + s.open + s.read))
      out[`open${days}d`] = {
        openMs: round(open),
        firstReadMs: round(read),
        baselineMs: round(base),
        ratio: round(open / base),
        importOpenReadMs: round(total),
      }
      rows.push({
        runtime,
        what: `open, ${days} days`,
        ms: round(open),
        "baseline ms": round(base),
        ratio: round(open / base),
        "first read ms": round(read),
        "import+open+read ms": round(total),
      })
    }
    results.coldStart.runtimes[runtime] = out
  }
  console.log(
    `\ncold start: import, then open 20 accounts with 30 / 365 days of usage (median of ${SAMPLES} fresh processes, ` +
      `${(homes[30].bytes / 1e6).toFixed(1)} / ${(homes[365].bytes / 1e6).toFixed(1)} MB of files)`,
  )
  console.log(
    "baselines: a plain-data module as large as the package's JavaScript; reading + JSON.parse of the same files",
  )
  console.table(rows)
}

rmSync(scratch, { recursive: true, force: true })
mkdirSync(join(here, "results"), { recursive: true })
writeFileSync(join(here, "results", "account-store.json"), `${JSON.stringify(results, null, 2)}\n`)
