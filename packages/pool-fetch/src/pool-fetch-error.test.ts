import { describe, expect, it } from "vitest"
import { isPoolFetchError, POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"

describe("PoolFetchError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new PoolFetchError(POOL_FETCH_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_POOL_INVALID_OPTIONS")
    expect(err.name).toBe("PoolFetchError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.PoolFetchError")]: true })
    expect(isPoolFetchError(foreign)).toBe(true)
    expect(isPoolFetchError(new Error("x"))).toBe(false)
    expect(isPoolFetchError(null)).toBe(false)
    expect(isPoolFetchError({ code: "ERR_POOL_INVALID_OPTIONS" })).toBe(false)
  })
})
