import { describe, expect, it } from "vitest"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

describe("OAuthPkceError", () => {
  it("carries a stable code, a name and the cause", () => {
    const cause = new Error("underlying")
    const err = new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS, "bad option", { cause })
    expect(err.code).toBe("ERR_OAUTH_INVALID_OPTIONS")
    expect(err.name).toBe("OAuthPkceError")
    expect(err.cause).toBe(cause)
    expect(err).toBeInstanceOf(Error)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.OAuthPkceError")]: true })
    expect(isOAuthPkceError(foreign)).toBe(true)
    expect(isOAuthPkceError(new Error("x"))).toBe(false)
    expect(isOAuthPkceError(null)).toBe(false)
    expect(isOAuthPkceError({ code: "ERR_OAUTH_INVALID_OPTIONS" })).toBe(false)
  })
})
