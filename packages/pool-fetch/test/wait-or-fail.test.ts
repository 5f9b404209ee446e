// When no account can serve: wait for the earliest cooldown within the caller's wait budget, else a clear error
// in Anthropic's envelope naming each account and when capacity returns. Never hang, never spin.
import { afterEach, describe, expect, it } from "vitest"
import { HELLO, ORG_A, ORG_B, type Pool, type PoolSetup, send, startPool } from "./_pool.ts"

const T0 = Date.UTC(2026, 9, 8, 10, 0, 0)
let fixture: Pool | undefined
let clock = T0
const sleeps: number[] = []

/** A fake clock whose sleep advances it, so a wait takes no real time and ends exactly when asked. */
async function start(setup: PoolSetup = {}): Promise<Pool> {
  clock = T0
  sleeps.length = 0
  fixture = await startPool({
    learned: true,
    ...setup,
    pool: {
      now: () => clock,
      random: () => 0.5,
      sleep: async (ms, signal) => {
        signal?.throwIfAborted()
        sleeps.push(ms)
        clock += ms
      },
      ...setup.pool,
    },
  })
  return fixture
}

afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

const limitBoth = (pool: Pool, seconds: number) => {
  pool.mock.script({
    match: { organizationId: ORG_A },
    respond: { kind: "error", error: "rate-limit", retryAfter: seconds },
  })
  pool.mock.script({
    match: { organizationId: ORG_B },
    respond: { kind: "error", error: "rate-limit", retryAfter: seconds + 1 },
  })
}

describe("every limit group cooling", () => {
  it("waits for the earliest cooldown when it is within the wait budget, exactly until then, and serves", async () => {
    const pool = await start({ pool: { waitBudgetMs: 5_000 } })
    limitBoth(pool, 2)
    const response = await send(pool.pool)
    expect(response.status).toBe(200)
    // a1 (org-a) and b1 (org-b) refused; a2 shares org-a's group; one wait of exactly 2 s, then org-a serves.
    expect(pool.served().slice(0, 2)).toEqual(["a1", "b1"])
    expect(["a1", "a2"]).toContain(pool.served()[2])
    expect(sleeps).toEqual([2_000])
    expect(clock).toBe(T0 + 2_000)
  })

  it("beyond the wait budget: a 429 in Anthropic's envelope naming every account, with retry-after at the earliest", async () => {
    const pool = await start({ pool: { waitBudgetMs: 5_000 } })
    limitBoth(pool, 30)
    const response = await send(pool.pool)
    expect(response.status).toBe(429)
    expect(sleeps).toEqual([])
    expect(pool.mock.requests).toHaveLength(2)
    expect(response.headers.get("retry-after")).toBe("30")
    expect(response.headers.get("retry-after-ms")).toBe("30000")
    expect(response.headers.get("x-should-retry")).toBe("true")
    expect(response.headers.get("request-id")).toMatch(/^req_keyrelay_/)
    const body = (await response.json()) as { type: string; error: { type: string; message: string } }
    expect(body.type).toBe("error")
    expect(body.error.type).toBe("rate_limit_error")
    for (const label of ['"a1"', '"a2"', '"b1"']) expect(body.error.message).toContain(label)
    expect(body.error.message).toContain("2026-10-08T10:00:30Z")
    const event = pool.events.find((e) => e.type === "no-account")
    expect(event).toMatchObject({ status: 429, until: T0 + 30_000 })
  })

  it("a second request while everything cools answers at once, without reaching the API", async () => {
    const pool = await start({ pool: { waitBudgetMs: 0 } })
    limitBoth(pool, 30)
    expect((await send(pool.pool)).status).toBe(429)
    const before = pool.mock.requests.length
    const again = await send(pool.pool)
    expect(again.status).toBe(429)
    expect(pool.mock.requests).toHaveLength(before)
  })

  it("spend cap everywhere: 429 with retry-after at the month's turn and x-should-retry: false", async () => {
    const pool = await start()
    pool.mock.setState({ organizationId: ORG_A }, "spend-cap")
    pool.mock.setState({ organizationId: ORG_B }, "spend-cap")
    const response = await send(pool.pool)
    expect(response.status).toBe(429)
    expect(response.headers.get("x-should-retry")).toBe("false")
    expect(Number(response.headers.get("retry-after-ms"))).toBe(Date.UTC(2026, 10, 1) - T0)
    expect(sleeps).toEqual([])
  })

  it("every key revoked: 401 authentication_error naming the disabled accounts, nothing left to wait for", async () => {
    const pool = await start()
    for (const label of ["a1", "a2", "b1"]) pool.mock.setState({ credential: label }, "revoked")
    const response = await send(pool.pool)
    expect(response.status).toBe(401)
    expect(response.headers.get("retry-after")).toBeNull()
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe("authentication_error")
    expect(body.error.message).toContain('"b1"')
    await pool.pool.flush()
    expect(pool.pool.hasUsableAccounts()).toBe(false)
  })
})

describe("the caller's AbortSignal", () => {
  it("ends a wait for a cooldown at once", async () => {
    const pool = await start()
    // Real timers here: the wait is 3 s, the abort comes after 50 ms.
    clock = Date.now()
    const real = await startPoolReal(pool)
    limitBoth(real, 3)
    const controller = new AbortController()
    const started = Date.now()
    const pending = send(real.pool, HELLO, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ name: "AbortError" })
    expect(Date.now() - started).toBeLessThan(1_000)
    await real.close()
  })

  it("aborts a request waiting for headers and leaves no connection open", async () => {
    const pool = await start()
    pool.mock.script({ respond: { kind: "hang" } })
    const controller = new AbortController()
    const pending = send(pool.pool, HELLO, { signal: controller.signal })
    await pool.mock.waitForRequests(1)
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: "AbortError" })
    await new Promise((r) => setTimeout(r, 50))
    expect(await pool.mock.openConnections()).toBe(0)
    expect(pool.mock.requests).toHaveLength(1)
  })

  it("an already aborted signal sends nothing", async () => {
    const pool = await start()
    await expect(send(pool.pool, HELLO, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    })
    expect(pool.mock.requests).toHaveLength(0)
  })

  it("aborts a stream mid-way: the caller's read fails, nothing is charged to the account", async () => {
    const pool = await start()
    pool.mock.script({ respond: { kind: "reply", stallAfterEvents: 2 } })
    const controller = new AbortController()
    const response = await send(pool.pool, { ...HELLO, stream: true }, { signal: controller.signal })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    clock += 1000
    controller.abort()
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return
      })(),
    ).rejects.toMatchObject({ name: "AbortError" })
    await new Promise((r) => setTimeout(r, 30))
    expect(pool.store.state.accounts[pool.accounts.a1.id]?.lastOutcome?.class).toBe("caller")
  })
})

describe("the deadline", () => {
  it("gives up a request whose headers never come, within the deadline, with a timeout error", async () => {
    const pool = await startPool({ learned: true, pool: { deadlineMs: 300 } })
    fixture = pool
    pool.mock.script({ respond: { kind: "hang" }, times: "always" })
    const started = Date.now()
    await expect(send(pool.pool)).rejects.toMatchObject({ name: "TimeoutError" })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(pool.mock.requests).toHaveLength(1)
  })

  it("a stream that stalls after its headers is abandoned after the idle timeout: the read fails, nothing hangs", async () => {
    const pool = await startPool({ learned: true, pool: { streamIdleTimeoutMs: 200 } })
    fixture = pool
    pool.mock.script({ respond: { kind: "reply", stallAfterEvents: 2 } })
    const response = await send(pool.pool, { ...HELLO, stream: true })
    const started = Date.now()
    await expect(response.text()).rejects.toMatchObject({ name: "TimeoutError" })
    expect(Date.now() - started).toBeLessThan(2_000)
    await new Promise((r) => setTimeout(r, 30))
    expect(pool.store.state.accounts[pool.accounts.a1.id]?.lastOutcome?.class).toBe("stream")
    expect(await pool.mock.openConnections()).toBe(0)
  })

  it("a streaming request whose headers are late goes to the next account", async () => {
    const pool = await startPool({ learned: true, pool: { streamHeadersTimeoutMs: 200 } })
    fixture = pool
    pool.mock.script({ match: { credential: "a1" }, respond: { kind: "hang" } })
    const response = await send(pool.pool, { ...HELLO, stream: true })
    expect(response.status).toBe(200)
    await response.text()
    expect(pool.served()).toEqual(["a1", "a2"])
  })
})

/** The same pool with real timers (for abort timing). */
async function startPoolReal(previous: Pool): Promise<Pool> {
  await previous.close()
  fixture = undefined
  return startPool({ learned: true, pool: { waitBudgetMs: 10_000 } })
}
