import { describe, expect, it } from "vitest"
import { redactBody, redactHeaders, redactValue } from "./redact.ts"

describe("redaction", () => {
  it("keeps only the last 4 characters of credential headers", () => {
    const h = redactHeaders({
      "x-api-key": "sk-ant-api03-test-secret-abcd",
      authorization: "Bearer sk-ant-oat01-mock-wxyz",
      "anthropic-version": "2023-06-01",
    })
    expect(h).toEqual({
      "x-api-key": "…abcd",
      authorization: "Bearer …wxyz",
      "anthropic-version": "2023-06-01",
    })
  })

  it("hides short secrets whole and redacts assertions and tokens in bodies", () => {
    expect(redactValue("abc")).toBe("…")
    expect(redactBody({ assertion: "eyJhbGciOi.payload.signature-1234", grant_type: "x" })).toEqual({
      assertion: "…1234",
      grant_type: "x",
    })
    expect(redactBody("text")).toBe("text")
  })
})
