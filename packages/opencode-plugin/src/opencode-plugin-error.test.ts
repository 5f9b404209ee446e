import { describe, expect, it } from "vitest"
import {
  isOpencodePluginError,
  OPENCODE_PLUGIN_ERROR_CODES,
  OpencodePluginError,
} from "./opencode-plugin-error.ts"

describe("OpencodePluginError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new OpencodePluginError(OPENCODE_PLUGIN_ERROR_CODES.INVALID_KEY, "bad key", { cause })
    expect(err.code).toBe("ERR_PLUGIN_INVALID_KEY")
    expect(err.name).toBe("OpencodePluginError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("keyrelay.error.OpencodePluginError")]: true,
    })
    expect(isOpencodePluginError(foreign)).toBe(true)
    expect(isOpencodePluginError(new Error("x"))).toBe(false)
    expect(isOpencodePluginError(null)).toBe(false)
    expect(isOpencodePluginError({ code: "ERR_PLUGIN_INVALID_KEY" })).toBe(false)
  })
})
