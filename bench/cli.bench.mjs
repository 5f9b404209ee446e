// Benchmarks the keyrelay CLI's startup: `keyrelay list` (and `list --json`) over a pool of 20 accounts with state
// and usage, each run a fresh Node process, against `node -e 0` measured in the same run, interleaved so machine
// noise hits all three alike. The target: `keyrelay list` with 20 accounts starts and prints in ≤ 150 ms.
// On Node ≥ 22.1 the CLI keeps Node's compile cache (in XDG_CACHE_HOME, here a temporary one); the warm-up runs
// fill it, so the figures are those of every run after a user's first.
// Writes results/cli.json. Run: pnpm bench cli
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import nodeModule from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { openAccountStore } from "@keyrelay/account-store"

const here = dirname(fileURLToPath(import.meta.url))
const bin = fileURLToPath(import.meta.resolve("keyrelay/package.json").replace("package.json", "dist/bin.js"))
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 30)
const WARMUP = 3
const TARGET_MS = 150
// Whether this Node has the compile cache the CLI turns on (Node ≥ 22.1).
const compileCache = typeof nodeModule.enableCompileCache === "function"

const home = mkdtempSync(join(tmpdir(), "keyrelay-bench-cli-"))
try {
  // A realistic pool: 20 accounts in four organizations, each with health, a rate-limit snapshot and usage.
  const store = await openAccountStore({ home, watch: false, flushOnExit: false })
  const now = Date.now()
  for (let i = 0; i < 20; i++) {
    const account = await store.addAccount({
      label: `account-${String(i + 1).padStart(2, "0")}`,
      credential: { kind: "api-key", key: `sk-ant-api03-test-bench-${String(i).padStart(24, "0")}` },
      tags: [i % 2 ? "work" : "personal"],
      ...(i % 3 === 0 ? { monthlyBudgetUsd: 100 } : {}),
    })
    const org = `org-${i % 4}`
    await store.learnOrganization(account.id, { organizationId: org, workspaceId: `wrkspc_${i % 4}` })
    store.recordOutcome({
      accountId: account.id,
      class: "ok",
      status: 200,
      used: true,
      health: { score: 60 + i, updatedAt: now },
      rateLimits: {
        [`org:${org}|sonnet-4.x`]: {
          observedAt: now,
          requests: { limit: 1000, remaining: 900 - i, resetAt: now + 60_000 },
          inputTokens: { limit: 2_000_000, remaining: 1_500_000, resetAt: now + 60_000 },
          outputTokens: { limit: 400_000, remaining: 300_000, resetAt: now + 60_000 },
        },
      },
    })
    for (let d = 0; d < 30; d++) {
      store.recordUsage({
        accountId: account.id,
        model: d % 2 ? "claude-sonnet-4-5" : "claude-opus-4-5",
        project: `/home/me/project-${d % 5}`,
        at: now - d * 86_400_000,
        inputTokens: 1200,
        outputTokens: 300,
        costMicroUsd: 8100,
      })
    }
  }
  await store.close()

  const env = { ...process.env, KEYRELAY_HOME: home, XDG_CACHE_HOME: join(home, "cache"), NO_COLOR: "1" }
  const commands = {
    "node -e 0": [process.execPath, ["-e", "0"]],
    "keyrelay list": [process.execPath, [bin, "list"]],
    "keyrelay list --json": [process.execPath, [bin, "list", "--json"]],
  }
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]))
  for (let run = 0; run < WARMUP + RUNS; run++) {
    for (const [name, [cmd, args]] of Object.entries(commands)) {
      const started = process.hrtime.bigint()
      const result = spawnSync(cmd, args, { env, encoding: "utf8" })
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`)
      if (name === "keyrelay list" && !result.stdout.includes("account-20"))
        throw new Error("list printed no pool")
      if (name === "keyrelay list --json" && JSON.parse(result.stdout).accounts.length !== 20)
        throw new Error("list --json printed no pool")
      if (run >= WARMUP) times[name].push(ms)
    }
  }
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
    return { median: at(0.5), p90: at(0.9), min: sorted[0] }
  }
  const baseline = stats(times["node -e 0"])
  const rows = Object.entries(times).map(([name, values]) => {
    const s = stats(values)
    return {
      command: name,
      "median ms": +s.median.toFixed(1),
      "p90 ms": +s.p90.toFixed(1),
      "min ms": +s.min.toFixed(1),
      "ratio (median)": +(s.median / baseline.median).toFixed(2),
      "over node -e 0 (ms)": +(s.median - baseline.median).toFixed(1),
    }
  })
  console.table(rows)
  const list = rows.find((r) => r.command === "keyrelay list")
  const verdict = list["median ms"] <= TARGET_MS ? "within" : "OVER"
  console.log(
    `keyrelay list, 20 accounts: ${list["median ms"]} ms median (${list["ratio (median)"]}× node -e 0, ` +
      `+${list["over node -e 0 (ms)"]} ms): ${verdict} the ${TARGET_MS} ms target. ${RUNS} runs each, interleaved, ` +
      `Node ${process.version}${compileCache ? " (compile cache on)" : " (no compile cache before Node 22.1)"}.`,
  )
  mkdirSync(join(here, "results"), { recursive: true })
  writeFileSync(
    join(here, "results", "cli.json"),
    `${JSON.stringify({ runs: RUNS, targetMs: TARGET_MS, node: process.version, compileCache, rows }, null, 2)}\n`,
  )
} finally {
  rmSync(home, { recursive: true, force: true })
}
