import { openAccountStore } from "@keyrelay/account-store"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createSandbox, expectSchema, type Sandbox } from "./support.ts"

const DAY = 86_400_000
let sandbox: Sandbox
let ids: Record<string, string>
const day = (offset: number) => new Date(Date.now() - offset * DAY).toISOString().slice(0, 10)

/** Two accounts of two organizations with usage on three days, a rate-limit snapshot and a cooldown. */
beforeEach(async () => {
  sandbox = createSandbox()
  const store = await openAccountStore({ home: sandbox.home, watch: false, flushOnExit: false })
  const now = Date.now()
  const work = await store.addAccount({
    label: "work",
    credential: { kind: "env", variable: "WORK" },
    monthlyBudgetUsd: 10,
  })
  const personal = await store.addAccount({
    label: "personal",
    credential: { kind: "env", variable: "PERSONAL" },
  })
  ids = { work: work.id, personal: personal.id }
  await store.learnOrganization(work.id, { organizationId: "org-work", workspaceId: "wrkspc_w" })
  await store.learnOrganization(personal.id, { organizationId: "org-me" })
  const use = (
    accountId: string,
    model: string,
    project: string,
    daysAgo: number,
    costMicroUsd: number | null,
    inputTokens: number,
  ) =>
    store.recordUsage({
      accountId,
      model,
      project,
      at: now - daysAgo * DAY,
      inputTokens,
      outputTokens: 100,
      costMicroUsd,
    })
  use(work.id, "claude-sonnet-4-5", "/src/app", 0, 2_000_000, 1000)
  use(work.id, "claude-opus-4-5", "/src/app", 1, 9_000_000, 3000)
  use(personal.id, "claude-sonnet-4-5", "/src/blog", 1, 500_000, 500)
  use(personal.id, "claude-haiku-4-5", "/src/blog", 20, null, 50)
  store.recordOutcome({
    accountId: work.id,
    class: "rate-limit",
    status: 429,
    used: true,
    rateLimits: {
      "org:org-work|sonnet-4.x": {
        observedAt: now - 5000,
        requests: { limit: 1000, remaining: 250, resetAt: now + 45_000 },
        inputTokens: { limit: 2_000_000, remaining: 1_000_000, resetAt: now + 30_000 },
        outputTokens: { limit: 400_000, remaining: 400_000, resetAt: now + 30_000 },
      },
    },
    cooldowns: {
      "org:org-work|opus-4.x": {
        until: now + 3_600_000,
        class: "rate-limit",
        reason: "429 rate_limit_error: retry-after 3600 s",
        level: 1,
        since: now,
      },
    },
  })
  await store.close()
})
afterEach(() => sandbox.cleanup())

describe("usage", () => {
  it("charts cost by account, model, project and day, with totals", async () => {
    const run = await sandbox.run(["usage", "--since", "7d"], { env: { COLUMNS: "100" } })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(
      `Usage ${day(6)} → ${day(0)}: $11.50, 4.8k tokens (4.5k in, 300 out, 0 cache read), 3 requests`,
    )
    const sections = run.stdout.split("\n\n").map((s) => s.split("\n")[0])
    expect(sections.slice(1)).toEqual([
      "By account (cost)",
      "By model (cost)",
      "By project (cost)",
      "By day (cost)",
    ])
    expect(run.stdout).toMatch(/work\s+█+\s+\$11\.00/)
    expect(run.stdout).toMatch(/personal\s+[█▏▎▍▌▋▊▉]+\s+\$0\.50/)
    // Days in date order, the biggest bar the full width.
    const days = run.stdout.split("By day (cost)\n")[1]!.trim().split("\n")
    expect(days.map((l) => l.slice(0, 10))).toEqual([day(1), day(0)])
  })

  it("groups by combinations, filters, draws ASCII when asked, and counts unpriced requests", async () => {
    const run = await sandbox.run([
      "usage",
      "--since",
      "30d",
      "--by",
      "account,model",
      "--ascii",
      "--metric",
      "tokens",
    ])
    expect(run.stdout).toContain("By account × model (tokens)")
    expect(run.stdout).toMatch(/work · claude-opus-4-5\s+#+\s+3\.1k/)
    expect(run.stdout).not.toMatch(/[█▏▎▍▌▋▊▉]/)
    expect(run.stdout).toContain("1 requests had no known price")
    const filtered = await sandbox.run([
      "usage",
      "--since",
      "30d",
      "--account",
      "personal",
      "--model",
      "claude-haiku-4-5",
      "--json",
    ])
    expectSchema("usage", filtered.json)
    expect(filtered.json).toMatchObject({
      totals: { requests: 1, inputTokens: 50, costMicroUsd: 0, unpricedRequests: 1 },
      groups: [
        {
          day: day(20),
          account: "personal",
          accountId: ids.personal,
          model: "claude-haiku-4-5",
          project: "/src/blog",
        },
      ],
    })
  })

  it("prints --json groups with micro-USD and dollars", async () => {
    const run = await sandbox.run(["usage", "--since", day(1), "--until", day(0), "--by", "model", "--json"])
    expectSchema("usage", run.json)
    const doc = run.json as {
      from: string
      to: string
      by: string[]
      groups: { model: string; costMicroUsd: number; costUsd: number }[]
    }
    expect(doc.from).toBe(day(1))
    expect(doc.by).toEqual(["model"])
    expect(doc.groups.find((g) => g.model === "claude-opus-4-5")).toMatchObject({
      costMicroUsd: 9_000_000,
      costUsd: 9,
    })
  })

  it("rejects bad --since, --by and --metric (exit 2) and says when there is nothing", async () => {
    for (const args of [
      ["--since", "last week"],
      ["--by", "colour"],
      ["--metric", "joules"],
      ["--since", "2d", "--until", "5d"],
    ]) {
      expect((await sandbox.run(["usage", ...args])).code, args.join(" ")).toBe(2)
    }
    const none = await sandbox.run(["usage", "--since", "2001-01-01", "--until", "2001-01-31"])
    expect(none.stdout).toBe("No usage recorded from 2001-01-01 to 2001-01-31.\n")
  })
})

describe("limits, list and budget", () => {
  it("shows each limit group's buckets with time to reset, and cooldowns with their reasons", async () => {
    const run = await sandbox.run(["limits"], { env: { COLUMNS: "160" } })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /org-work · sonnet-4\.x\s+work\s+250\/1,000 \(full in 4\ds\)\s+1M\/2M \(full in \d\ds\)\s+400k\/400k\s+\ds ago/,
    )
    expect(run.stdout).toMatch(
      /rate-limit work \(opus-4\.x\): until \S+, in 59m \d+s|in 1h — 429 rate_limit_error: retry-after 3600 s/,
    )
    const json = await sandbox.run(["limits", "--json"])
    expectSchema("limits", json.json)
    const groups = (json.json as { groups: { key: string; requests: unknown; cooldowns: unknown[] }[] })
      .groups
    expect(groups.map((g) => g.key)).toEqual(["org:org-work|opus-4.x", "org:org-work|sonnet-4.x"])
    expect(groups[1]!.requests).toMatchObject({ limit: 1000, remaining: 250 })
    expect(groups[0]!.cooldowns).toHaveLength(1)
    const personal = await sandbox.run(["limits", "--account", "personal"])
    expect(personal.stdout).toContain("No rate-limit state yet")
  })

  it("lists status, cooldown and remaining limit, and spend against the budget", async () => {
    const run = await sandbox.run(["list"], { env: { COLUMNS: "200" } })
    expect(run.stdout).toMatch(
      /work\s+env\s+org-work \/ wrkspc_w\s+limited\s+70\s+rate-limit in 59m \d+s \(opus-4\.x\)|in 1h \(opus-4\.x\)/,
    )
    expect(run.stdout).toMatch(/\d\d% left \(sonnet-4\.x\)\s+\$11\.00 \/ \$10/)
    expect(run.stdout).toMatch(
      /work: opus-4\.x cooling down until .* — 429 rate_limit_error: retry-after 3600 s/,
    )
    expect(run.stdout).toContain("work: over its monthly budget. `keyrelay budget work <USD>` raises it.")
    const json = await sandbox.run(["list", "--json"])
    expectSchema("list", json.json)
    const work = (json.json as { accounts: Record<string, unknown>[] }).accounts[0]!
    expect(work).toMatchObject({
      status: "limited",
      spend: { spentMicroUsd: 11_000_000, spentUsd: 11, budgetUsd: 10, overBudget: true },
      cooldowns: [{ scope: "model", modelClass: "opus-4.x", class: "rate-limit" }],
      rateLimits: [{ key: "org:org-work|sonnet-4.x", requests: { remaining: 250 } }],
    })
  })

  it("shows, sets and clears budgets", async () => {
    const shown = await sandbox.run(["budget", "--json"])
    expectSchema("budget", shown.json)
    expect((shown.json as { budgets: unknown[] }).budgets).toEqual([
      expect.objectContaining({ label: "work", spentMicroUsd: 11_000_000, budgetUsd: 10, overBudget: true }),
      expect.objectContaining({ label: "personal", budgetUsd: null, overBudget: false }),
    ])
    const human = await sandbox.run(["budget"])
    expect(human.stdout).toMatch(/work\s+\$11\.00\s+\$10\s+█+ 110% over/)
    const set = await sandbox.run(["budget", "personal", "$25.50", "--json"])
    expectSchema("budget", set.json)
    expect(set.json).toMatchObject({ account: { label: "personal", monthlyBudgetUsd: 25.5 } })
    expect((await sandbox.run(["budget", "work", "none"])).stdout).toBe("work has no monthly budget now.\n")
    expect((await sandbox.run(["budget", "work", "lots"])).code).toBe(2)
  })
})

describe("strategy and config", () => {
  it("shows and sets the strategy", async () => {
    const shown = await sandbox.run(["strategy", "--json"])
    expectSchema("strategy", shown.json)
    expect(shown.json).toMatchObject({ strategy: "sticky", isDefault: true })
    const set = await sandbox.run(["strategy", "headroom"])
    expect(set.stdout).toMatch(/^Strategy: headroom — /)
    expect(((await sandbox.run(["strategy", "--json"])).json as { strategy: string }).strategy).toBe(
      "headroom",
    )
    expect((await sandbox.run(["strategy", "fastest"])).code).toBe(2)
  })

  it("gets, sets and unsets settings, including nested ones, validated by the store", async () => {
    const all = await sandbox.run(["config", "--json"])
    expectSchema("config get", all.json)
    expect(all.json).toMatchObject({ config: { keychain: false, toasts: { enabled: true } } })
    const set = await sandbox.run(["config", "set", "toasts.onSwitch", "false", "--json"])
    expectSchema("config set", set.json)
    expect(set.json).toMatchObject({ key: "toasts.onSwitch", value: false })
    await sandbox.run(["config", "set", "extraBetas", "context-1m-2025-08-07,fast-mode-2026-02-01"])
    expect((await sandbox.run(["config", "get", "extraBetas"])).stdout).toBe(
      '["context-1m-2025-08-07","fast-mode-2026-02-01"]\n',
    )
    expect((await sandbox.run(["config", "get", "toasts"])).stdout).toBe(
      '{"enabled":true,"onSwitch":false}\n',
    )
    await sandbox.run(["config", "set", "pricing.claude-mine-*", '{"inputPerMTok":1,"outputPerMTok":2}'])
    expect(
      ((await sandbox.run(["config", "get", "pricing", "--json"])).json as { value: unknown }).value,
    ).toEqual({
      "claude-mine-*": { inputPerMTok: 1, outputPerMTok: 2 },
    })
    const unset = await sandbox.run(["config", "unset", "toasts.onSwitch", "--json"])
    expectSchema("config unset", unset.json)
    expect(unset.json).toMatchObject({ value: null })
    const invalid = await sandbox.run(["config", "set", "usageRetentionDays", "3"])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toMatch(/configuration is invalid/)
    expect((await sandbox.run(["config", "set", "colour", "blue"])).code).toBe(2)
    expect((await sandbox.run(["config", "unset", "keychain"])).code).toBe(2)
    const path = await sandbox.run(["config", "path", "--json"])
    expectSchema("config path", path.json)
    expect(path.json).toMatchObject({
      home: sandbox.home,
      files: { accounts: `${sandbox.home}/accounts.json` },
    })
    expect((await sandbox.run(["config", "path"])).stdout).toBe(`${sandbox.home}\n`)
  })
})
