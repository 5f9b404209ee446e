import { describe, expect, it } from "vitest"
import {
  isRequestRewriteError,
  REQUEST_REWRITE_ERROR_CODES,
  RequestRewriteError,
} from "./request-rewrite-error.ts"

describe("RequestRewriteError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new RequestRewriteError(REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_REWRITE_INVALID_OPTIONS")
    expect(err.name).toBe("RequestRewriteError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("keyrelay.error.RequestRewriteError")]: true,
    })
    expect(isRequestRewriteError(foreign)).toBe(true)
    expect(isRequestRewriteError(new Error("x"))).toBe(false)
    expect(isRequestRewriteError(null)).toBe(false)
    expect(isRequestRewriteError({ code: "ERR_REWRITE_INVALID_OPTIONS" })).toBe(false)
  })
})
