// DESIGN.md "What each failure gets", one row at a time, through pool-fetch against the mock API with three keys in
// two organizations (a1 and a2 share org-a, b1 is alone in org-b). Time is a fixed clock so cooldowns are exact.
import { afterEach, describe, expect, it } from "vitest"
import { HELLO, ORG_A, type Pool, type PoolSetup, send, startPool } from "./_pool.ts"

const T0 = Date.UTC(2026, 9, 8, 10, 0, 0)
let fixture: Pool | undefined
let clock = T0

async function start(setup: PoolSetup = {}): Promise<Pool> {
  clock = T0
  fixture = await startPool({
    learned: true,
    ...setup,
    pool: { now: () => clock, random: () => 0.5, ...setup.pool },
  })
  return fixture
}

/** Lets the served body's end handlers and the store's in-flight writes run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

describe("401 authentication_error", () => {
  it("on a key: disables the account (with a reason the user sees), fails over to the next", async () => {
    const { pool, mock, store, accounts, events, served } = await start()
    mock.setState({ credential: "a1" }, "revoked")
    const response = await send(pool)
    expect(response.status).toBe(200)
    expect(served()).toEqual(["a1", "a2"])
    await pool.flush()
    const a1 = store.getAccount(accounts.a1.id)
    expect(a1?.enabled).toBe(false)
    expect(a1?.disabledReason).toBe("revoked or expired: 401 at 2026-10-08T10:00:00Z")
    const disabled = events.find((e) => e.type === "account-disabled")
    expect(disabled?.message).toContain('"a1"')
    // Later requests never try it again.
    await (await send(pool)).text()
    expect(served()).toEqual(["a1", "a2", "a2"])
  })

  it("on a token kind: invalidates and re-mints once (the command runs again), then serves from the same account", async () => {
    const { pool, mock, store } = await start({ labels: ["b1"] })
    mock.addCredential({
      label: "rotating-old",
      apiKey: "sk-ant-api03-test-rotating-old-000000000000",
      organizationId: ORG_A,
      state: "revoked",
    })
    mock.addCredential({
      label: "rotating-new",
      apiKey: "sk-ant-api03-test-rotating-new-000000000000",
      organizationId: ORG_A,
    })
    const { mkdtemp, readFile } = await import("node:fs/promises")
    const { join } = await import("node:path")
    const { tmpdir } = await import("node:os")
    const dir = await mkdtemp(join(tmpdir(), "keyrelay-cmd-"))
    const runs = join(dir, "runs")
    // A vault that rotated the key after the first read: the first run prints the old key, later runs the new one.
    const account = await store.addAccount({
      label: "vault",
      credential: {
        kind: "command",
        command: `if [ -f '${runs}' ]; then echo sk-ant-api03-test-rotating-new-000000000000; else echo sk-ant-api03-test-rotating-old-000000000000; fi; echo run >> '${runs}'`,
        ttlSeconds: 3600,
        timeoutMs: 5000,
      },
      baseUrl: mock.url,
      priority: -1,
    })
    const response = await send(pool)
    expect(response.status).toBe(200)
    expect(mock.requests.map((r) => r.credential?.label)).toEqual(["rotating-old", "rotating-new"])
    expect((await readFile(runs, "utf8")).trim().split("\n")).toHaveLength(2)
    expect(store.getAccount(account.id)?.enabled).toBe(true)
  })
})

describe("403 permission_error", () => {
  it("skips the account for that model class only, and tries the next", async () => {
    const { pool, mock, store, accounts, served } = await start()
    mock.setState({ credential: "a1" }, "permission", { deniedModels: ["class:sonnet-4"] })
    expect((await send(pool)).status).toBe(200)
    expect(served()).toEqual(["a1", "a2"])
    const key = `acct:${accounts.a1.id}|sonnet-4.x`
    expect(store.state.cooldowns[key]?.class).toBe("permission")
    // Another model class is still open to a1.
    const a1 = (model: string) => pool.explain({ model }).accounts.find((a) => a.label === "a1")
    expect(a1("claude-sonnet-4-5")?.status).toBe("cooldown")
    expect(["picked", "available"]).toContain(a1("claude-haiku-4-5")?.status)
  })
})

describe("exhausted organizations", () => {
  it.each([
    ["credit-exhausted", 400, "credit"],
    ["spend-limit", 400, "spend-limit"],
    ["billing", 402, "billing"],
  ] as const)(
    "%s (%i): the organization is out, the other organization serves",
    async (state, status, cls) => {
      const { pool, mock, store, events, served } = await start()
      mock.setState({ organizationId: ORG_A }, state)
      const response = await send(pool)
      expect(response.status).toBe(200)
      // a2 shares org-a: never tried.
      expect(served()).toEqual(["a1", "b1"])
      expect(mock.requests[0]?.response?.status).toBe(status)
      const cooldown = store.state.cooldowns[`org:${ORG_A}`]
      expect(cooldown?.class).toBe(cls)
      expect(cooldown?.until).toBeGreaterThan(T0)
      const exhausted = events.find((e) => e.type === "organization-exhausted")
      expect(exhausted).toMatchObject({ class: cls, organizationId: ORG_A, label: "a1" })
    },
  )

  it("spend cap (429 enforced_spend_limit_reached): out until 00:00 UTC on the 1st of next month", async () => {
    const { pool, mock, store, served } = await start()
    mock.setState({ organizationId: ORG_A }, "spend-cap")
    expect((await send(pool)).status).toBe(200)
    expect(served()).toEqual(["a1", "b1"])
    expect(store.state.cooldowns[`org:${ORG_A}`]).toMatchObject({
      class: "spend-cap",
      until: Date.UTC(2026, 10, 1),
    })
  })
})

describe("429 rate_limit_error with retry-after", () => {
  it("cools the limit group for exactly that long; the other organization serves", async () => {
    const { pool, mock, store, events, served } = await start()
    mock.script({
      match: { credential: "a1" },
      respond: { kind: "error", error: "rate-limit", retryAfter: 20 },
    })
    expect((await send(pool)).status).toBe(200)
    expect(served()).toEqual(["a1", "b1"])
    expect(store.state.cooldowns[`org:${ORG_A}|sonnet-4.x`]).toMatchObject({
      class: "rate-limit",
      until: T0 + 20_000,
    })
    expect(events.find((e) => e.type === "group-cooling")).toMatchObject({ until: T0 + 20_000, label: "a1" })
    const switched = events.filter((e) => e.type === "account-switched")
    expect(switched.at(-1)).toMatchObject({ label: "b1" })
    // Another model class of org-a is not affected.
    const a1 = (model: string) => pool.explain({ model }).accounts.find((a) => a.label === "a1")
    expect(a1("claude-sonnet-4-5")).toMatchObject({ status: "cooldown", until: T0 + 20_000 })
    expect(["picked", "available"]).toContain(a1("claude-haiku-4-5")?.status)
  })

  it("a fast-mode request (its body given as bytes) cools the fast group only; standard requests still go to a1", async () => {
    const { pool, mock, store, served } = await start()
    mock.script({
      match: { credential: "a1" },
      respond: { kind: "error", error: "rate-limit", retryAfter: 20 },
    })
    const fast = { ...HELLO, model: "claude-opus-4-8", speed: "fast" }
    const response = await pool("https://api.anthropic.com/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify(fast)),
    })
    expect(response.status).toBe(200)
    expect(served()).toEqual(["a1", "b1"])
    expect(store.state.cooldowns[`org:${ORG_A}|fast:opus-4.x`]).toMatchObject({ until: T0 + 20_000 })
    expect(store.state.cooldowns[`org:${ORG_A}|opus-4.x`]).toBeUndefined()
    const a1 = (fast: boolean) =>
      pool.explain({ model: "claude-opus-4-8", fast }).accounts.find((a) => a.label === "a1")?.status
    expect(a1(true)).toBe("cooldown")
    expect(["picked", "available"]).toContain(a1(false))
  })
})

describe("529, 500, 504 service errors", () => {
  it.each([
    ["overloaded", 529],
    ["api-error", 500],
    ["timeout", 504],
  ] as const)(
    "%s: one pool retry at most, then the API's own error goes back untouched",
    async (error, status) => {
      const { pool, mock } = await start({ pool: { sleep: async () => {} } })
      mock.script({ respond: { kind: "error", error }, times: "always" })
      const response = await send(pool)
      expect(response.status).toBe(status)
      const body = (await response.json()) as { error: { type: string }; request_id: string }
      expect(body.request_id).toBe(mock.requests.at(-1)?.requestId)
      expect(mock.requests).toHaveLength(2)
      // While the model class is in trouble, the host's own retry is the only repetition.
      expect((await send(pool)).status).toBe(status)
      expect(mock.requests).toHaveLength(3)
    },
  )

  it("honours x-should-retry: false", async () => {
    const { pool, mock } = await start({ pool: { sleep: async () => {} } })
    mock.script({ respond: { kind: "error", error: "overloaded", shouldRetry: false }, times: "always" })
    expect((await send(pool)).status).toBe(529)
    expect(mock.requests).toHaveLength(1)
  })
})

describe("caller errors: 400, 404, 413", () => {
  it.each([
    ["invalid-request", 400],
    ["not-found", 404],
    ["request-too-large", 413],
  ] as const)("%s (%i) is returned byte for byte, no other account is tried", async (error, status) => {
    const { pool, mock, store, accounts } = await start()
    mock.script({ respond: { kind: "error", error } })
    const response = await send(pool)
    expect(response.status).toBe(status)
    expect(response.headers.get("request-id")).toBe(mock.requests[0]?.requestId)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ type: "error", request_id: mock.requests[0]?.requestId })
    expect(mock.requests).toHaveLength(1)
    expect(Object.keys(store.state.cooldowns)).toEqual([])
    expect(store.state.accounts[accounts.a1.id]?.health).toBeUndefined()
  })
})

describe("network error before headers", () => {
  it("goes to the next account once", async () => {
    const { pool, mock, served } = await start()
    mock.script({ match: { credential: "a1" }, respond: { kind: "reset" } })
    expect((await send(pool)).status).toBe(200)
    expect(served()).toEqual(["a1", "a2"])
  })

  it("twice in a row: the network error reaches the caller, as fetch would throw it", async () => {
    const { pool, mock } = await start()
    mock.script({ respond: { kind: "reset" }, times: "always" })
    await expect(send(pool)).rejects.toThrow()
    expect(mock.requests).toHaveLength(2)
  })
})

describe("mid-stream failures", () => {
  it("event: error — the caller sees the error event as sent; the outcome and the usage seen are recorded", async () => {
    const { pool, mock, store, accounts, events } = await start()
    mock.script({ respond: { kind: "reply", errorAfterEvents: 3, errorName: "overloaded" } })
    const response = await send(pool, { ...HELLO, stream: true })
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toContain("event: error")
    expect(text).toContain("overloaded_error")
    expect(text).not.toContain("message_stop")
    await settle()
    expect(store.state.accounts[accounts.a1.id]?.lastOutcome?.class).toBe("stream")
    expect(store.usage()[0]?.inputTokens).toBeGreaterThan(0)
    expect(events.some((e) => e.type === "stream-failed")).toBe(true)
  })

  it("EOF without message_stop — health drops, usage is recorded", async () => {
    const { pool, mock, store, accounts } = await start()
    mock.script({ respond: { kind: "reply", endAfterEvents: 4 } })
    const response = await send(pool, { ...HELLO, stream: true })
    clock += 1000
    const text = await response.text()
    expect(text).not.toContain("message_stop")
    await settle()
    const state = store.state.accounts[accounts.a1.id]
    expect(state?.lastOutcome?.class).toBe("stream")
    expect(state?.health?.score).toBeLessThan(70)
    expect(store.usage()).toHaveLength(1)
  })
})
