import { describe, expect, it } from "vitest"
import { createMemo } from "./_memo.ts"
import { targetUrl } from "./_target-url.ts"
import { userAgent } from "./_user-agent.ts"
import { normalizeBaseUrl, parseBaseUrl } from "./base-url.ts"
import { isRequestRewriteError } from "./request-rewrite-error.ts"

describe("createMemo", () => {
  it("answers what was set, and clears itself when full instead of growing", () => {
    const memo = createMemo<number>(3)
    expect(memo.set("a", 1)).toBe(1)
    memo.set("b", 2)
    memo.set("c", 3)
    expect([memo.get("a"), memo.get("b"), memo.get("c")]).toEqual([1, 2, 3])
    memo.set("d", 4)
    expect([memo.get("a"), memo.get("b"), memo.get("c"), memo.get("d")]).toEqual([
      undefined,
      undefined,
      undefined,
      4,
    ])
  })
})

describe("the answers buildOutgoingRequest remembers", () => {
  it("gives a base URL's parts again, frozen, and throws for a bad one every time", () => {
    const first = parseBaseUrl("https://gateway.example.com/anthropic/")
    expect(parseBaseUrl("https://gateway.example.com/anthropic/")).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    for (let i = 0; i < 3; i++) {
      let error: unknown
      try {
        normalizeBaseUrl("http://api.anthropic.com")
      } catch (e) {
        error = e
      }
      expect(isRequestRewriteError(error) && error.code).toBe("ERR_REWRITE_INSECURE_BASE_URL")
    }
  })

  it("keeps target URLs of different bases and incoming URLs apart", () => {
    const a = parseBaseUrl("https://a.example.com/x")
    const b = parseBaseUrl("https://b.example.com")
    const urls = [
      "https://api.anthropic.com/v1/messages",
      "/v1/messages?beta=true",
      "https://a.example.com/x/v1/models",
    ]
    const expected = [
      "https://a.example.com/x/v1/messages",
      "https://a.example.com/x/v1/messages?beta=true",
      "https://a.example.com/x/v1/models",
      "https://b.example.com/v1/messages",
      "https://b.example.com/v1/messages?beta=true",
      "https://b.example.com/x/v1/models",
    ]
    for (let round = 0; round < 2; round++)
      expect([...urls.map((u) => targetUrl(a, u)), ...urls.map((u) => targetUrl(b, u))]).toEqual(expected)
    expect(targetUrl(a, new URL("https://api.anthropic.com/v1/messages"))).toBe(expected[0])
  })

  it("keeps user-agents of different callers and hosts apart", () => {
    for (let round = 0; round < 2; round++) {
      expect(userAgent(undefined, undefined)).toMatch(/^keyrelay\/\S+$/)
      expect(userAgent("sdk/1", "opencode")).toMatch(/^sdk\/1 opencode keyrelay\/\S+$/)
      expect(userAgent("sdk/1", undefined)).toMatch(/^sdk\/1 keyrelay\/\S+$/)
      expect(userAgent("opencode/2", "opencode")).toMatch(/^opencode\/2 keyrelay\/\S+$/)
    }
  })
})
