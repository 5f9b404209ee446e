#!/usr/bin/env node
// Runs every benchmark (or those named on the command line) in its own Node process, so one
// benchmark's heap and JIT state never colour another's. Each benchmark prints a table of figures
// and ratios against the baseline it measures in the same run, and writes results/<name>.json.
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const all = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .sort()
const wanted = process.argv.slice(2)
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all
if (chosen.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(", ")}; available: ${all.map((f) => f.replace(".bench.mjs", "")).join(", ") || "none yet"}`,
  )
  process.exit(wanted.length ? 2 : 0)
}
let failed = 0
for (const file of chosen) {
  console.log(`\n## ${file.replace(".bench.mjs", "")}\n`)
  const r = spawnSync(process.execPath, ["--expose-gc", join(here, file)], { stdio: "inherit", cwd: here })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
