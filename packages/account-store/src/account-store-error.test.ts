import { describe, expect, it } from "vitest"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError, isAccountStoreError } from "./account-store-error.ts"

describe("AccountStoreError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new AccountStoreError(ACCOUNT_STORE_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_STORE_INVALID_OPTIONS")
    expect(err.name).toBe("AccountStoreError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.AccountStoreError")]: true })
    expect(isAccountStoreError(foreign)).toBe(true)
    expect(isAccountStoreError(new Error("x"))).toBe(false)
    expect(isAccountStoreError(null)).toBe(false)
    expect(isAccountStoreError({ code: "ERR_STORE_INVALID_OPTIONS" })).toBe(false)
  })
})
