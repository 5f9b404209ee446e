// What the pool keeps between requests to spare work on each one (settings, cooldown keys, a shared deadline timer)
// must follow the store: a config change reaches the next request, the ended cooldowns of whatever model class and
// organization an account serves are cleared after its success, and concurrent requests keep their own deadlines.
import { groupKey, modelClassOf } from "@keyrelay/rotation-strategies"
import { afterEach, describe, expect, it } from "vitest"
import { HELLO, ORG_A, type Pool, type PoolSetup, send, startPool } from "./_pool.ts"

let fixture: Pool | undefined
const start = async (setup: PoolSetup = {}) => {
  fixture = await startPool(setup)
  return fixture
}
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

describe("state kept between requests", () => {
  it("a config change reaches the very next request", async () => {
    const { store, pool, mock } = await start({ learned: true, labels: ["a1"] })
    await (await send(pool)).text()
    expect(mock.requests.at(-1)?.headers["anthropic-beta"]).toBeUndefined()
    await store.updateConfig({ extraBetas: ["context-1m-2025-08-07"] })
    await (await send(pool)).text()
    expect(mock.requests.at(-1)?.headers["anthropic-beta"]).toBe("context-1m-2025-08-07")
  })

  it("clears the ended cooldowns of each model class an account serves, under the organization it learned", async () => {
    const { store, pool, accounts } = await start({ labels: ["a1"] })
    const id = accounts.a1.id
    const ended = (reason: string) => ({
      until: Date.now() - 1_000,
      class: "rate-limit",
      reason,
      level: 1,
      since: 0,
    })
    const keysOf = (model: string) => [
      groupKey({ id, organizationId: ORG_A }, modelClassOf(model)),
      `acct:${id}|${modelClassOf(model)}`,
    ]
    const haiku = "claude-haiku-4-5"
    const cooldowns = Object.fromEntries(
      [...keysOf(HELLO.model), ...keysOf(haiku), `acct:${id}`].map((key) => [key, ended(key)]),
    )
    store.recordOutcome({ accountId: id, used: false, cooldowns })
    expect(Object.keys(store.state.cooldowns)).toHaveLength(5)
    // The first response teaches a1's organization: its group key is the learned organization's.
    await (await send(pool)).text()
    await pool.flush()
    expect(Object.keys(store.state.cooldowns).sort()).toEqual(keysOf(haiku).sort())
    await (await send(pool, { ...HELLO, model: haiku })).text()
    await pool.flush()
    expect(Object.keys(store.state.cooldowns)).toEqual([])
  })

  it("serves concurrent requests, streamed and not, each under its own deadlines", async () => {
    const { pool, mock } = await start({ learned: true, pool: { streamIdleTimeoutMs: 5_000 } })
    const bodies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send(pool, { ...HELLO, stream: i % 2 === 0 }).then((response) => response.text()),
      ),
    )
    expect(bodies.filter((b) => b.includes("event: message_stop"))).toHaveLength(6)
    expect(bodies.filter((b) => b.startsWith('{"id":"msg_'))).toHaveLength(6)
    expect(mock.requests).toHaveLength(12)
  })
})

describe("the end of a served body", () => {
  it("reaches the caller first; its usage is in the store before the next turn of the event loop", async () => {
    const { store, pool } = await start({ learned: true, labels: ["a1"] })
    for (const stream of [false, true]) {
      const before = store.usage().reduce((n, row) => n + row.requests, 0)
      const reader = (await send(pool, { ...HELLO, stream })).body?.getReader()
      for (let r = await reader?.read(); r !== undefined && !r.done; r = await reader?.read()) {}
      await new Promise((resolve) => setImmediate(resolve))
      expect(store.usage().reduce((n, row) => n + row.requests, 0)).toBe(before + 1)
    }
  })

  it("says so when a body the caller read in full cannot be recorded, without failing the caller", async () => {
    const { store, pool, events } = await start({ learned: true, labels: ["a1"] })
    const json = await send(pool, HELLO)
    const stream = await send(pool, { ...HELLO, stream: true })
    expect([json.status, stream.status]).toEqual([200, 200])
    // The store closes while both bodies are still on their way (a host shutting down mid-request).
    await store.close()
    expect(await json.text()).toContain('"type":"message"')
    expect(await stream.text()).toContain("message_stop")
    await new Promise((resolve) => setTimeout(resolve, 0))
    const lost = events.filter((e) => e.type === "usage-not-recorded")
    expect(lost).toHaveLength(2)
    for (const event of lost)
      expect(event).toMatchObject({
        level: "error",
        label: "a1",
        reason: "ERR_STORE_CLOSED",
        message: 'keyrelay: the usage of a response from "a1" could not be recorded (ERR_STORE_CLOSED).',
      })
  })
})
