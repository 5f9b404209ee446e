import { describe, expect, it } from "vitest"
import { costOf, createPricing } from "./cost-of.ts"

// Reference §7: USD per MTok = micro-USD per token.
describe("costOf", () => {
  it("prices every token category of a standard request", () => {
    // Sonnet 4.5: 3 in, 15 out, 3.75 5m write, 6 1h write, 0.30 read; web search $10 / 1,000.
    const usage = {
      inputTokens: 1000,
      outputTokens: 100,
      cacheCreationTokens: 300,
      cacheCreation5mTokens: 200,
      cacheCreation1hTokens: 100,
      cacheReadTokens: 1000,
      webSearchRequests: 2,
    }
    expect(costOf("claude-sonnet-4-5-20250929", usage)).toBe(3000 + 1500 + 750 + 600 + 300 + 20_000)
  })

  it("bills cache writes without a breakdown as 5 m writes", () => {
    expect(costOf("claude-haiku-4-5", { cacheCreationTokens: 1000 })).toBe(1250)
  })

  it("bills a Haiku 5.5 request above 100k prompt tokens entirely at the long tier", () => {
    expect(costOf("claude-haiku-5-5", { inputTokens: 100_000, outputTokens: 1000 })).toBe(10_000 + 500)
    expect(
      costOf("claude-haiku-5-5", { inputTokens: 90_000, cacheReadTokens: 10_001, outputTokens: 1000 }),
    ).toBe(Math.round(90_000 * 0.5 + 10_001 * 0.05 + 1000 * 2.5))
  })

  it("adds 10 % for inference_geo us on 4.6+ models only", () => {
    expect(costOf("claude-sonnet-4-6", { inputTokens: 1000, inferenceGeo: "us" })).toBe(3300)
    expect(costOf("claude-sonnet-4-5", { inputTokens: 1000, inferenceGeo: "us" })).toBe(3000)
  })

  it("prices fast mode, with the cache multipliers on the fast input price", () => {
    // Opus 4.8 fast: $10 in, $50 out; 5 m writes 1.25 × 10.
    expect(
      costOf("claude-opus-4-8", {
        inputTokens: 1000,
        outputTokens: 100,
        cacheCreation5mTokens: 100,
        speed: "fast",
      }),
    ).toBe(10_000 + 5000 + 1250)
    // Opus 4.5 has no fast mode: standard prices.
    expect(costOf("claude-opus-4-5", { inputTokens: 1000, speed: "fast" })).toBe(5000)
  })

  it("is undefined for a model without a price", () => {
    expect(costOf("claude-next-1", { inputTokens: 10 })).toBeUndefined()
  })

  it("lets overrides (globs) win over the table, first match first", () => {
    const pricing = createPricing({
      "claude-opus-4-8": { inputPerMTok: 1, outputPerMTok: 2 },
      "claude-opus-*": { inputPerMTok: 7, outputPerMTok: 7 },
    })
    expect(pricing.costOf("claude-opus-4-8-20260101", { inputTokens: 10, outputTokens: 10 })).toBe(30)
    expect(pricing.costOf("claude-opus-4-5", { inputTokens: 10 })).toBe(70)
    expect(pricing.costOf("claude-sonnet-4-5", { inputTokens: 10 })).toBe(30)
  })
})
