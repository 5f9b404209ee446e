import { describe, expect, it } from "vitest"
import { DEFAULT_BASE_URL, normalizeBaseUrl } from "./base-url.ts"
import { isRequestRewriteError } from "./request-rewrite-error.ts"

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isRequestRewriteError(error) ? error.code : "not a RequestRewriteError"
  }
  return undefined
}

describe("normalizeBaseUrl", () => {
  it.each([
    [undefined, "https://api.anthropic.com"],
    ["https://api.anthropic.com", "https://api.anthropic.com"],
    ["https://api.anthropic.com/", "https://api.anthropic.com"],
    ["https://API.Anthropic.com:443/", "https://api.anthropic.com"],
    ["https://gateway.example.com/anthropic/", "https://gateway.example.com/anthropic"],
    ["https://gateway.example.com:8443/a/b//", "https://gateway.example.com:8443/a/b"],
    ["http://127.0.0.1:4010", "http://127.0.0.1:4010"],
    ["http://127.1.2.3:4010/mock", "http://127.1.2.3:4010/mock"],
    ["http://[::1]:4010", "http://[::1]:4010"],
    ["http://localhost:4010/", "http://localhost:4010"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected)
  })

  it("defaults to the public API", () => {
    expect(DEFAULT_BASE_URL).toBe("https://api.anthropic.com")
  })

  it.each([
    ["not a URL", "api.anthropic.com", "ERR_REWRITE_INVALID_BASE_URL"],
    ["empty", "", "ERR_REWRITE_INVALID_BASE_URL"],
    ["not a string", 42, "ERR_REWRITE_INVALID_BASE_URL"],
    ["another scheme", "ftp://api.anthropic.com", "ERR_REWRITE_INVALID_BASE_URL"],
    ["a file URL", "file:///etc/passwd", "ERR_REWRITE_INVALID_BASE_URL"],
    ["with a password", "https://user:pass@gateway.example.com", "ERR_REWRITE_INVALID_BASE_URL"],
    ["with a user name", "https://user@gateway.example.com", "ERR_REWRITE_INVALID_BASE_URL"],
    ["with a query", "https://gateway.example.com/?key=1", "ERR_REWRITE_INVALID_BASE_URL"],
    ["with a fragment", "https://gateway.example.com/#x", "ERR_REWRITE_INVALID_BASE_URL"],
    ["plain http to a remote host", "http://api.anthropic.com", "ERR_REWRITE_INSECURE_BASE_URL"],
    ["plain http to a private address", "http://10.0.0.5:8080", "ERR_REWRITE_INSECURE_BASE_URL"],
    ["plain http to a look-alike", "http://127.0.0.1.example.com", "ERR_REWRITE_INSECURE_BASE_URL"],
    ["plain http to localhost.", "http://localhost.example", "ERR_REWRITE_INSECURE_BASE_URL"],
  ])("rejects a base URL %s", (_, input, code) => {
    expect(codeOf(() => normalizeBaseUrl(input as string))).toBe(code)
  })

  it("never repeats the base URL in its message, and keeps no parser error as the cause", () => {
    const secret = "sk-ant-api03-test-baseurl-secret"
    for (const input of [
      `https://${secret}@gateway.example.com`,
      `https://gateway.example.com/?key=${secret}`,
      `http://${secret}.example.com`,
      `${secret}`,
      `https://gateway.example.com/#${secret}`,
    ]) {
      try {
        normalizeBaseUrl(input)
        expect.unreachable()
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(secret)
        expect(String((error as Error).stack)).not.toContain(secret)
        expect((error as Error).cause).toBeUndefined()
      }
    }
  })
})
