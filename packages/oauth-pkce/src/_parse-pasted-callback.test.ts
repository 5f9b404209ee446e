import { describe, expect, it } from "vitest"
import { _parsePastedCallback } from "./_parse-pasted-callback.ts"
import { OAUTH_PKCE_ERROR_CODES } from "./oauth-pkce-error.ts"

describe("_parsePastedCallback", () => {
  it.each([
    [
      "the whole redirect address",
      "http://127.0.0.1:53121/callback?code=abc&state=xyz&iss=https%3A%2F%2Fidp",
    ],
    ["the address with blanks around it", "  http://127.0.0.1:53121/callback?code=abc&state=xyz \n"],
    ["the query string", "?code=abc&state=xyz"],
    ["the query string without ?", "code=abc&state=xyz"],
    ["code#state", "abc#xyz"],
  ])("reads %s", (_label, text) => {
    const parameters = _parsePastedCallback(text)
    expect(parameters.get("code")).toBe("abc")
    expect(parameters.get("state")).toBe("xyz")
  })

  it("reads an error response, so a denial pasted back is reported as such", () => {
    const parameters = _parsePastedCallback("http://127.0.0.1:1/callback?error=access_denied&state=xyz")
    expect(parameters.get("error")).toBe("access_denied")
  })

  it.each([
    ["a bare code", "abc"],
    ["nothing", "   "],
    ["an address without an answer", "http://127.0.0.1:53121/callback"],
    ["a trailing #", "abc#"],
  ])("refuses %s", (_label, text) => {
    expect(() => _parsePastedCallback(text)).toThrow(
      expect.objectContaining({ code: OAUTH_PKCE_ERROR_CODES.PASTED_CODE_INVALID }),
    )
  })
})
