// Routing rules (directory, model, tags), the sticky strategy and the prompt cache, usage and cost in the store
// (checked against the price table), monthly budgets.
import { afterEach, describe, expect, it } from "vitest"
import { costOf } from "../src/index.ts"
import { HELLO, type Pool, type PoolSetup, send, startPool } from "./_pool.ts"

let fixture: Pool | undefined
const start = async (setup: PoolSetup = {}) => {
  fixture = await startPool({ learned: true, ...setup })
  return fixture
}
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

describe("routing rules", () => {
  it("a directory rule sends a project to its accounts; other projects use the whole pool", async () => {
    const { store, accounts, mock, pool: first } = await start({ pool: { directory: "/work/client-b/app" } })
    await store.addRule({
      match: { directories: ["/work/client-b/**"] },
      use: { accounts: [accounts.b1.id] },
    })
    await (await send(first)).text()
    expect(mock.requests.at(-1)?.credential?.label).toBe("b1")
    const { createPoolFetch } = await import("../src/index.ts")
    const other = await createPoolFetch({ store, directory: "/work/elsewhere" })
    await (
      await other("https://api.anthropic.com/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(HELLO),
      })
    ).text()
    // No rule matches: the whole pool is the candidate set.
    expect(other.explain().accounts.every((a) => a.status !== "rule-mismatch")).toBe(true)
    expect(first.explain().accounts.filter((a) => a.status === "rule-mismatch")).toHaveLength(2)
    await other.close()
  })

  it("a model rule with tags: haiku requests go to the accounts tagged cheap", async () => {
    const { store, pool, mock } = await start({ account: { b1: { tags: ["cheap"] } } })
    await store.addRule({ match: { models: ["claude-haiku-*"] }, use: { tags: ["cheap"] } })
    await (await send(pool, { ...HELLO, model: "claude-haiku-4-5" })).text()
    expect(mock.requests.at(-1)?.credential?.label).toBe("b1")
    const sonnet = pool.explain({ model: "claude-sonnet-4-5" })
    expect(sonnet.ruleId).toBeUndefined()
    expect(sonnet.accounts.every((a) => a.status !== "rule-mismatch")).toBe(true)
  })

  it("a rule's own strategy beats config.strategy and the host's strategy option; unruled requests use the host's", async () => {
    // config.strategy is the user's global default; the pool's option is the host's (the plugin's `strategy`).
    const { store, pool, mock, accounts } = await start({
      pool: { directory: "/work/client-b/app", strategy: "sticky" },
    })
    await store.updateConfig({ strategy: "priority" })
    await store.addRule({
      match: { directories: ["/work/client-b/**"] },
      use: { accounts: [accounts.a1.id, accounts.a2.id, accounts.b1.id] },
      strategy: "round-robin",
    })
    for (let i = 0; i < 3; i++) await (await send(pool)).text()
    expect(new Set(mock.requests.map((r) => r.credential?.label))).toEqual(new Set(["a1", "a2", "b1"]))
    expect(pool.explain().strategy).toBe("round-robin")
    const { explainRoute } = await import("../src/index.ts")
    expect(explainRoute({ store, directory: "/work/client-b/app", strategy: "sticky" }).strategy).toBe(
      "round-robin",
    )
    // No rule matches elsewhere: the host's option replaces config.strategy.
    expect(pool.explain({ directory: "/work/elsewhere" }).strategy).toBe("sticky")
    expect(explainRoute({ store, directory: "/work/elsewhere" }).strategy).toBe("priority")
  })

  it("explain says who is a candidate, who the strategy picks, and why the others are out", async () => {
    const { store, pool, accounts } = await start({ account: { a2: { tags: ["cheap"] } } })
    await store.addRule({ match: { models: ["claude-haiku-*"] }, use: { tags: ["cheap"] } })
    await store.updateAccount(accounts.b1.id, { enabled: false, disabledReason: "paused by the user" })
    const haiku = pool.explain({ model: "claude-haiku-4-5" })
    expect(haiku.ruleId).toBeDefined()
    expect(haiku.picked).toBe(accounts.a2.id)
    expect(Object.fromEntries(haiku.accounts.map((a) => [a.label, a.status]))).toEqual({
      a1: "rule-mismatch",
      a2: "picked",
      b1: "disabled",
    })
    expect(haiku.accounts.find((a) => a.label === "b1")?.reason).toBe("paused by the user")
  })
})

describe("the sticky strategy", () => {
  it("keeps one account while it serves, so the organization's prompt cache stays warm", async () => {
    const { pool, mock } = await start()
    const cached = {
      ...HELLO,
      system: [{ type: "text", text: "You are terse. ".repeat(200), cache_control: { type: "ephemeral" } }],
    }
    const usages: { cache_read_input_tokens?: number }[] = []
    for (let i = 0; i < 4; i++) {
      const body = (await (await send(pool, cached)).json()) as {
        usage: { cache_read_input_tokens?: number }
      }
      usages.push(body.usage)
    }
    expect(new Set(mock.requests.map((r) => r.credential?.label))).toEqual(new Set(["a1"]))
    expect(usages.slice(1).every((u) => (u.cache_read_input_tokens ?? 0) > 0)).toBe(true)
  })
})

describe("usage and cost", () => {
  it("land in the store per account × model × project × day, priced by the table", async () => {
    const { pool, store, accounts } = await start({ pool: { directory: "/work/project" } })
    const json = (await (await send(pool)).json()) as {
      model: string
      usage: { input_tokens: number; output_tokens: number }
    }
    const stream = await (await send(pool, { ...HELLO, stream: true })).text()
    expect(stream).toContain("message_stop")
    await pool.flush()
    const rows = store.usage({ accountId: accounts.a1.id })
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(row.model).toBe(json.model) // the answered, dated id
    expect(row.project).toBe("/work/project")
    expect(row.requests).toBe(2)
    // Sonnet 4.5: $3 in, $15 out per MTok = 3 and 15 micro-USD per token.
    const expected = 2 * (json.usage.input_tokens * 3 + json.usage.output_tokens * 15)
    expect(row.inputTokens).toBe(2 * json.usage.input_tokens)
    expect(row.costMicroUsd).toBe(expected)
    expect(costOf(json.model, { inputTokens: row.inputTokens, outputTokens: row.outputTokens })).toBe(
      expected,
    )
    expect(row.unpricedRequests).toBe(0)
  })

  it("an unknown model is counted in tokens, flagged once, and its cost left out", async () => {
    const { pool, store, mock, events } = await start()
    mock.script({ respond: { kind: "reply" }, times: 2 })
    await (await send(pool, { ...HELLO, model: "claude-future-9" })).text()
    await (await send(pool, { ...HELLO, model: "claude-future-9" })).text()
    const row = store.usage()[0]
    expect(row?.unpricedRequests).toBe(2)
    expect(row?.costMicroUsd).toBe(0)
    expect(row?.inputTokens).toBeGreaterThan(0)
    expect(events.filter((e) => e.type === "model-unpriced")).toHaveLength(1)
  })

  it("config.pricing overrides the table", async () => {
    const { pool, store } = await start()
    await store.updateConfig({ pricing: { "claude-sonnet-4-5*": { inputPerMTok: 1, outputPerMTok: 1 } } })
    const json = (await (await send(pool)).json()) as {
      usage: { input_tokens: number; output_tokens: number }
    }
    expect(store.usage()[0]?.costMicroUsd).toBe(json.usage.input_tokens + json.usage.output_tokens)
  })
})

describe("monthly budgets", () => {
  it("an account over its budget leaves rotation (with an event) until the budget changes", async () => {
    const { pool, store, accounts, events, mock } = await start({
      account: { a1: { monthlyBudgetUsd: 0.0001 } },
    })
    await (await send(pool)).text() // costs more than $0.0001
    expect(events.find((e) => e.type === "budget-reached")).toMatchObject({ label: "a1", budgetUsd: 0.0001 })
    await (await send(pool)).text()
    expect(mock.requests.map((r) => r.credential?.label)).toEqual(["a1", "a2"])
    expect(pool.explain().accounts.find((a) => a.label === "a1")?.status).toBe("over-budget")
    await store.updateAccount(accounts.a1.id, { monthlyBudgetUsd: 100 })
    expect(pool.explain().accounts.find((a) => a.label === "a1")?.status).not.toBe("over-budget")
  })
})
