// Cold import of the OpenCode plugin, in the runtime OpenCode runs it in (Bun 1.3.14) and in Node, each sample a
// fresh process, reported as ratios to importing an empty module in the same run. Two figures per runtime:
//   entry  — dist/index.js, what OpenCode imports at startup (pool-fetch and account-store load later);
//   ready  — the entry plus everything the loader loads before the first request (pool-fetch, account-store and
//            the leaves under them): the plugin's 50 ms budget applies to this one.
// Writes results/plugin-import.json. Run: pnpm bench plugin-import
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const SAMPLES = 11
const BUDGET_MS = 50

const entry = fileURLToPath(import.meta.resolve("opencode-keyrelay"))
const poolFetch = fileURLToPath(import.meta.resolve("@keyrelay/pool-fetch"))
const accountStore = fileURLToPath(import.meta.resolve("@keyrelay/account-store"))
const scratch = mkdtempSync(join(tmpdir(), "keyrelay-bench-plugin-"))
const empty = join(scratch, "empty.mjs")
writeFileSync(empty, "export {}\n")

const probes = {
  empty: [empty],
  entry: [entry],
  ready: [entry, accountStore, poolFetch],
}
const probeSource = (files) =>
  `const t = performance.now(); ${files.map((f) => `await import(${JSON.stringify(f)});`).join(" ")} console.log(performance.now() - t)`

const bun = join(here, "..", "node_modules", ".bin", "bun")
const runtimes = [
  ["bun", bun, (src) => ["-e", src]],
  ["node", process.execPath, (src) => ["--input-type=module", "-e", src]],
]

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const results = { samples: SAMPLES, budgetMs: BUDGET_MS, runtimes: {} }
for (const [runtime, command, args] of runtimes) {
  const version = spawnSync(command, ["--version"], { encoding: "utf8" }).stdout.trim()
  const times = { empty: [], entry: [], ready: [] }
  // Interleaved, so a busy moment on the machine colours every probe alike.
  for (let i = 0; i < SAMPLES; i++) {
    for (const [name, files] of Object.entries(probes)) {
      const r = spawnSync(command, args(probeSource(files)), { encoding: "utf8", cwd: scratch })
      if (r.status !== 0) throw new Error(`${runtime} ${name}: ${r.stderr}`)
      times[name].push(Number(r.stdout.trim()))
    }
  }
  const baseline = median(times.empty)
  const row = { version, emptyMs: +baseline.toFixed(2) }
  for (const name of ["entry", "ready"]) {
    const ms = median(times[name])
    row[`${name}Ms`] = +ms.toFixed(1)
    row[`${name}Ratio`] = +(ms / baseline).toFixed(1)
  }
  row.withinBudget = row.readyMs <= BUDGET_MS
  results.runtimes[runtime] = row
}

console.log(
  `cold import of opencode-keyrelay (median of ${SAMPLES} fresh processes; ratio = × an empty module)`,
)
console.table(results.runtimes)
for (const [runtime, row] of Object.entries(results.runtimes))
  if (!row.withinBudget)
    console.log(`${runtime}: ready in ${row.readyMs} ms, over the ${BUDGET_MS} ms budget`)

rmSync(scratch, { recursive: true, force: true })
mkdirSync(join(here, "results"), { recursive: true })
writeFileSync(join(here, "results", "plugin-import.json"), `${JSON.stringify(results, null, 2)}\n`)
