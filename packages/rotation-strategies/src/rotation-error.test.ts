import { describe, expect, it } from "vitest"
import { isRotationError, ROTATION_ERROR_CODES, RotationError } from "./rotation-error.ts"

describe("RotationError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new RotationError(ROTATION_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_ROTATION_INVALID_OPTIONS")
    expect(err.name).toBe("RotationError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.RotationError")]: true })
    expect(isRotationError(foreign)).toBe(true)
    expect(isRotationError(new Error("x"))).toBe(false)
    expect(isRotationError(null)).toBe(false)
    expect(isRotationError({ code: "ERR_ROTATION_INVALID_OPTIONS" })).toBe(false)
  })
})
