import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import { logSafeHeaders } from "./_log-safe-headers.ts"

const secret = "sk-ant-api03-test-log-safe"

describe("logSafeHeaders", () => {
  const headers = logSafeHeaders([
    ["content-type", "application/json"],
    ["x-api-key", secret],
    ["__proto__", "kept as a header"],
  ])

  it("reads like a plain object of real headers", () => {
    expect(Object.entries(headers)).toEqual([
      ["content-type", "application/json"],
      ["x-api-key", secret],
      ["__proto__", "kept as a header"],
    ])
    expect({ ...headers }["x-api-key"]).toBe(secret)
    expect(Reflect.ownKeys(headers)).toEqual(["content-type", "x-api-key", "__proto__"])
  })

  it("redacts a bearer token too", () => {
    const bearer = logSafeHeaders([["authorization", `Bearer ${secret}`]])
    expect(JSON.stringify(bearer)).toBe('{"authorization":"[redacted]"}')
  })

  it("prints the credential as [redacted] through JSON, util.inspect and nested inside other objects", () => {
    for (const printed of [
      JSON.stringify(headers),
      JSON.stringify({ init: { headers } }),
      inspect(headers),
      inspect({ init: { headers } }, { depth: 5 }),
    ]) {
      expect(printed).not.toContain(secret)
      expect(printed).toContain("[redacted]")
      expect(printed).toContain("application/json")
    }
  })

  it("is read by fetch's Headers as exactly the real headers", () => {
    const real = logSafeHeaders([
      ["content-type", "application/json"],
      ["x-api-key", secret],
    ])
    expect([...new Headers(real)]).toEqual([
      ["content-type", "application/json"],
      ["x-api-key", secret],
    ])
  })
})
