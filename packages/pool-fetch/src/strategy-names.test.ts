import { STRATEGY_NAMES as ROTATION_STRATEGY_NAMES } from "@keyrelay/rotation-strategies"
import { describe, expect, it } from "vitest"
import { strategyFor } from "./_pool-settings.ts"
import { DEFAULT_STRATEGY, isStrategyName, STRATEGY_NAMES } from "./strategy-names.ts"

describe("strategy names", () => {
  it("are rotation-strategies' own, and the default is one of them", () => {
    expect(STRATEGY_NAMES).toBe(ROTATION_STRATEGY_NAMES)
    expect(STRATEGY_NAMES).toContain(DEFAULT_STRATEGY)
    expect(DEFAULT_STRATEGY).toBe("sticky")
  })

  it("isStrategyName accepts exactly those names", () => {
    for (const name of STRATEGY_NAMES) expect(isStrategyName(name)).toBe(true)
    for (const value of ["", "Sticky", "fastest", "round robin", undefined, null, 1, ["sticky"]])
      expect(isStrategyName(value)).toBe(false)
  })
})

describe("strategyFor: the most specific setting wins", () => {
  const settings = (strategy?: "sticky" | "priority") => ({ strategy }) as Parameters<typeof strategyFor>[0]

  it("the matching rule's strategy beats the pool's (option or config)", () => {
    expect(strategyFor(settings("priority"), { strategy: "round-robin" })).toBe("round-robin")
  })

  it("without a rule strategy, the pool's; without either, the default", () => {
    expect(strategyFor(settings("priority"), {})).toBe("priority")
    expect(strategyFor(settings(), {})).toBe("sticky")
  })

  it("a rule naming an unknown strategy (a hand-edited rules.json) falls back to the pool's, not to the default", () => {
    expect(strategyFor(settings("priority"), { strategy: "fastest" })).toBe("priority")
  })
})
