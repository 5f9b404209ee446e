import { describe, expect, it } from "vitest"
import { countInputTokens, promptParts } from "./estimate-tokens.ts"
import { PromptCache } from "./prompt-cache.ts"

const body = (question: string) => ({
  system: [{ type: "text", text: "You are terse. ".repeat(40), cache_control: { type: "ephemeral" } }],
  messages: [{ role: "user", content: question }],
})

describe("PromptCache", () => {
  it("writes the prefix up to the last breakpoint, then reads it, within its TTL", () => {
    const cache = new PromptCache()
    const total = countInputTokens(body("first"))
    const first = cache.measure("org|m", promptParts(body("first")), 0)
    first.commit()
    expect(first.cacheReadInputTokens).toBe(0)
    expect(first.cacheCreationInputTokens).toBeGreaterThan(100)
    expect(first.cacheCreation5mTokens).toBe(first.cacheCreationInputTokens)
    expect(first.inputTokens + first.cacheCreationInputTokens).toBe(total)

    const second = cache.measure("org|m", promptParts(body("second question")), 60_000)
    expect(second.cacheReadInputTokens).toBe(first.cacheCreationInputTokens)
    expect(second.cacheCreationInputTokens).toBe(0)

    const expired = cache.measure("org|m", promptParts(body("later")), 60_000 + 5 * 60_000 + 1)
    expect(expired.cacheReadInputTokens).toBe(0)
  })

  it("records nothing until commit, and keeps organizations apart", () => {
    const cache = new PromptCache()
    cache.measure("org-a|m", promptParts(body("x")), 0)
    expect(cache.measure("org-a|m", promptParts(body("x")), 1).cacheReadInputTokens).toBe(0)
    cache.measure("org-a|m", promptParts(body("x")), 1).commit()
    expect(cache.measure("org-b|m", promptParts(body("x")), 2).cacheReadInputTokens).toBe(0)
    expect(cache.measure("org-a|m", promptParts(body("x")), 2).cacheReadInputTokens).toBeGreaterThan(0)
  })

  it("bills writes up to a 1 h breakpoint as 1 h writes", () => {
    const cache = new PromptCache()
    const b = {
      system: [{ type: "text", text: "long ".repeat(100), cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: "q ".repeat(50), cache_control: { type: "ephemeral" } }],
        },
      ],
    }
    const u = cache.measure("o", promptParts(b), 0)
    expect(u.cacheCreation1hTokens).toBeGreaterThan(0)
    expect(u.cacheCreation5mTokens).toBeGreaterThan(0)
    expect(u.cacheCreation1hTokens + u.cacheCreation5mTokens).toBe(u.cacheCreationInputTokens)
  })
})

describe("countInputTokens", () => {
  it("is ⌈bytes/4⌉ per part plus 3 per message, deterministically", () => {
    const b = { messages: [{ role: "user", content: "Hello" }] }
    const part = JSON.stringify({ type: "text", text: "Hello" })
    expect(countInputTokens(b)).toBe(3 + Math.ceil(part.length / 4))
    expect(countInputTokens(b)).toBe(countInputTokens(structuredClone(b)))
  })
})
