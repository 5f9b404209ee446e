import { afterEach, describe, expect, it } from "vitest"
import { HELLO, type Pool, send, startPool } from "./_pool.ts"

let fixture: Pool | undefined
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

describe("pool fetch smoke", () => {
  it("serves a JSON request from the first account and records usage", async () => {
    fixture = await startPool()
    const response = await send(fixture.pool)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { type: string; usage: { input_tokens: number } }
    expect(body.type).toBe("message")
    expect(fixture.served()).toEqual(["a1"])
    await new Promise((r) => setTimeout(r, 10))
    const rows = fixture.store.usage()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.inputTokens).toBe(body.usage.input_tokens)
  })

  it("streams", async () => {
    fixture = await startPool()
    const response = await send(fixture.pool, { ...HELLO, stream: true })
    expect(response.headers.get("content-type")).toContain("text/event-stream")
    const text = await response.text()
    expect(text).toContain("message_stop")
    await new Promise((r) => setTimeout(r, 10))
    expect(fixture.store.usage()[0]?.outputTokens).toBeGreaterThan(0)
  })
})
