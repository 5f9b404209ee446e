import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import { redactSecret, SecretValue } from "./redact-secret.ts"

const KEY = "sk-ant-api03-test-0000000000000000wxyz"

describe("redactSecret", () => {
  it("keeps the Anthropic prefix and the last four characters only", () => {
    expect(redactSecret(KEY)).toBe("sk-ant-…wxyz")
    expect(redactSecret("sk-ant-oat01-test-0000000000000000abcd")).toBe("sk-ant-…abcd")
  })

  it("shows no tail of short or foreign secrets beyond four characters", () => {
    expect(redactSecret("short-secret")).toBe("…")
    expect(redactSecret("ghp_test_000000000000000000001234")).toBe("…1234")
    expect(redactSecret("")).toBe("…")
    expect(redactSecret(undefined)).toBe("…")
  })
})

describe("SecretValue", () => {
  const secret = new SecretValue(KEY)

  it("never renders its value by String, template, JSON or inspect", () => {
    for (const rendered of [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5 }),
      inspect(secret, { showHidden: true }),
    ]) {
      expect(rendered).not.toContain("0000000000000000")
      expect(rendered).toContain("sk-ant-…wxyz")
    }
    expect(Object.keys(secret)).toEqual([])
  })

  it("reveals the value only on request", () => {
    expect(secret.reveal()).toBe(KEY)
    expect(secret.redacted).toBe("sk-ant-…wxyz")
  })
})
