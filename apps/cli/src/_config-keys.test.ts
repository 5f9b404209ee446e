import { describe, expect, it } from "vitest"
import { getValue, parseValue, patchFor } from "./_config-keys.ts"
import { isCliError } from "./cli-error.ts"

const config = {
  extraBetas: [],
  pricing: { "a-*": { inputPerMTok: 1, outputPerMTok: 2 } },
  toasts: { enabled: true },
  keychain: false,
  usageRetentionDays: 400,
}

describe("config keys", () => {
  it("patches a nested setting as its whole parent, keeping its siblings", () => {
    expect(patchFor(config, "toasts.onSwitch", false)).toEqual({ toasts: { enabled: true, onSwitch: false } })
    expect(patchFor(config, "pricing.b-*", { inputPerMTok: 3, outputPerMTok: 4 })).toEqual({
      pricing: { "a-*": { inputPerMTok: 1, outputPerMTok: 2 }, "b-*": { inputPerMTok: 3, outputPerMTok: 4 } },
    })
    expect(patchFor(config, "pricing.a-*", undefined)).toEqual({ pricing: {} })
    expect(patchFor(config, "strategy", undefined)).toEqual({ strategy: undefined })
    expect(getValue(config, "toasts.enabled")).toBe(true)
  })

  it("reads JSON values, plain strings, and comma lists of betas", () => {
    expect(parseValue("maxAttempts", "3")).toBe(3)
    expect(parseValue("strategy", "hybrid")).toBe("hybrid")
    expect(parseValue("extraBetas", "a-1, b-2")).toEqual(["a-1", "b-2"])
    expect(parseValue("extraBetas", '["a-1"]')).toEqual(["a-1"])
  })

  it("refuses unknown keys, unknown strategies and unsetting what has no default", () => {
    for (const [key, value] of [
      ["colour", 1],
      ["keychain", undefined],
      ["strategy", "fastest"],
    ] as const) {
      let error: unknown
      try {
        patchFor(config, key, value)
      } catch (e) {
        error = e
      }
      expect(isCliError(error) && error.exitCode === 2, key).toBe(true)
    }
  })
})
