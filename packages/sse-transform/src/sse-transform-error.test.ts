import { describe, expect, it } from "vitest"
import { isSseTransformError, SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"

describe("SseTransformError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new SseTransformError(SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_SSE_INVALID_OPTIONS")
    expect(err.name).toBe("SseTransformError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.SseTransformError")]: true })
    expect(isSseTransformError(foreign)).toBe(true)
    expect(isSseTransformError(new Error("x"))).toBe(false)
    expect(isSseTransformError(null)).toBe(false)
    expect(isSseTransformError({ code: "ERR_SSE_INVALID_OPTIONS" })).toBe(false)
  })
})
