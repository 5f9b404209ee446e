import { describe, expect, it } from "vitest"
import { honourShouldRetry, opencodeFetch } from "./_opencode-retries.ts"

const body = JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "back at 10:00" } })

describe("honourShouldRetry", () => {
  it("turns a far retry-after into an immediate one when the pool says not to retry", async () => {
    const response = honourShouldRetry(
      new Response(body, {
        status: 429,
        headers: { "retry-after": "2592000", "retry-after-ms": "2592000000", "x-should-retry": "false" },
      }),
    )
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBeNull()
    expect(response.headers.get("retry-after-ms")).toBe("0")
    expect(response.headers.get("x-should-retry")).toBe("false")
    expect(await response.text()).toBe(body)
  })

  it("leaves answers the host should retry, and successes, as they are", () => {
    const retry = new Response(body, {
      status: 429,
      headers: { "retry-after": "3", "x-should-retry": "true" },
    })
    expect(honourShouldRetry(retry)).toBe(retry)
    const ok = new Response("{}", { status: 200 })
    expect(honourShouldRetry(ok)).toBe(ok)
    const noTiming = new Response(body, { status: 401, headers: { "x-should-retry": "false" } })
    expect(honourShouldRetry(noTiming)).toBe(noTiming)
  })

  it("wraps a fetch without touching the request", async () => {
    const seen: [unknown, RequestInit | undefined][] = []
    const inner = (async (input: unknown, init?: RequestInit) => {
      seen.push([input, init])
      return new Response(body, { status: 429, headers: { "retry-after": "60", "x-should-retry": "false" } })
    }) as typeof fetch
    const init = { method: "POST", body: "{}" }
    const response = await opencodeFetch(inner)("http://127.0.0.1/v1/messages", init)
    expect(seen).toEqual([["http://127.0.0.1/v1/messages", init]])
    expect(response.headers.get("retry-after-ms")).toBe("0")
  })
})
