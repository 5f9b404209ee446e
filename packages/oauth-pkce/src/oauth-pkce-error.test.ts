import { describe, expect, it } from "vitest"
import { isOAuthPkceError, OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

describe("OAuthPkceError", () => {
  it("carries a stable code, a name, the cause and what the provider said", () => {
    const cause = new Error("underlying")
    const err = new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_GRANT, "refused", {
      cause,
      error: "invalid_grant",
      errorDescription: "refresh token already used",
      status: 400,
    })
    expect(err.code).toBe("ERR_OAUTH_INVALID_GRANT")
    expect(err.name).toBe("OAuthPkceError")
    expect(err.cause).toBe(cause)
    expect(err).toMatchObject({
      error: "invalid_grant",
      errorDescription: "refresh token already used",
      status: 400,
    })
    expect(err).toBeInstanceOf(Error)
  })

  it("has no cause unless given one", () => {
    expect("cause" in new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.TIMEOUT, "late")).toBe(false)
  })

  it("is recognised across installed copies by its registered marker, not by instanceof", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("keyrelay.error.OAuthPkceError")]: true })
    expect(isOAuthPkceError(foreign)).toBe(true)
    expect(isOAuthPkceError(new Error("x"))).toBe(false)
    expect(isOAuthPkceError(null)).toBe(false)
    expect(isOAuthPkceError({ code: "ERR_OAUTH_INVALID_OPTIONS" })).toBe(false)
  })

  it("has unique codes, all prefixed ERR_OAUTH_", () => {
    const codes = Object.values(OAUTH_PKCE_ERROR_CODES)
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(code).toMatch(/^ERR_OAUTH_[A-Z_]+$/)
  })
})
