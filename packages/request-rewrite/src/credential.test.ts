import { describe, expect, it } from "vitest"
import { CREDENTIAL_HEADERS, credentialHeader, OAUTH_BETA } from "./credential.ts"

const key = "sk-ant-api03-test-credential-key"
const token = "sk-ant-oat01-test-credential-token"

describe("credentialHeader", () => {
  it("sends a key as x-api-key and a token as a bearer authorization", () => {
    expect(credentialHeader({ type: "api-key", key })).toEqual({ name: "x-api-key", value: key })
    expect(credentialHeader({ type: "bearer", token })).toEqual({
      name: "authorization",
      value: `Bearer ${token}`,
    })
  })

  it.each([
    ["an empty key", { type: "api-key", key: "" }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ["a key with a newline", { type: "api-key", key: `${key}\n` }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ["a token with a space", { type: "bearer", token: `Bearer ${token}` }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ["a non-ASCII key", { type: "api-key", key: `${key}é` }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ["a missing token", { type: "bearer" }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ["an unknown type", { type: "oauth", token }, "ERR_REWRITE_INVALID_OPTIONS"],
    ["no credential", undefined, "ERR_REWRITE_INVALID_OPTIONS"],
  ])("rejects %s without repeating it", (_, credential, code) => {
    try {
      credentialHeader(credential)
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code })
      expect((error as Error).message).not.toContain("sk-ant")
    }
  })

  it("names the headers it strips and the beta the SDK sends with bearer tokens", () => {
    expect(CREDENTIAL_HEADERS).toEqual(["x-api-key", "authorization", "proxy-authorization", "cookie"])
    expect(Object.isFrozen(CREDENTIAL_HEADERS)).toBe(true)
    expect(OAUTH_BETA).toBe("oauth-2025-04-20")
  })
})
