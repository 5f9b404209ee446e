import { describe, expect, it } from "vitest"
import { classifyTransportError } from "./classify-transport-error.ts"
import type { Cooldown } from "./cooldown.ts"

const NOW = Date.UTC(2026, 9, 8, 12)

describe("classifyTransportError", () => {
  it("a network error before headers: next account once, health penalty, a short account cooldown", () => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    })
    const r = classifyTransportError(error, { now: NOW, random: () => 0, account: { id: "acc_t" } })
    expect(r).toMatchObject({
      class: "transport",
      scope: "account",
      action: "next-account",
      health: "failure",
      key: "acct:acc_t",
      cooldown: { until: NOW + 5000, level: 1, class: "transport" },
    })
    expect(r.reason).toContain("ECONNRESET")
  })

  it("escalates when the same account keeps failing", () => {
    const previous: Cooldown = {
      until: NOW - 1,
      level: 1,
      class: "transport",
      reason: "x",
      since: NOW - 5001,
    }
    const r = classifyTransportError(new TypeError("fetch failed"), {
      now: NOW,
      random: () => 0,
      account: { id: "acc_t" },
      cooldowns: { "acct:acc_t": previous },
    })
    expect(r.cooldown).toMatchObject({ level: 2, until: NOW + 30_000 })
  })

  it("names the error code or name only, never its message", () => {
    const r = classifyTransportError(
      new Error("connect to https://user:sk-ant-api03-test-secret@host failed"),
      {
        now: NOW,
      },
    )
    expect(r.reason).toContain("(Error)")
    expect(JSON.stringify(r)).not.toContain("sk-ant-api03-test")
  })

  it("an abort by the caller is not the account's fault", () => {
    const r = classifyTransportError(new DOMException("The operation was aborted.", "AbortError"), {
      now: NOW,
      account: { id: "acc_t" },
    })
    expect(r).toMatchObject({ class: "caller", scope: "none", action: "return", health: "none" })
    expect(r.cooldown).toBeUndefined()
  })

  it.each([undefined, null, "boom", 42, { code: 7 }, Object.create(null)])("tolerates %p", (error) => {
    const r = classifyTransportError(error, { now: NOW })
    expect(r.class).toBe("transport")
    expect(r.reason).toMatch(/network error/)
  })

  it("survives hostile getters", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no")
        },
      },
    )
    expect(classifyTransportError(hostile, { now: NOW }).class).toBe("transport")
  })
})
