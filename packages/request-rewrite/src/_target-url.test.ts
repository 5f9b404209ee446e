import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { targetUrl } from "./_target-url.ts"
import { parseBaseUrl } from "./base-url.ts"
import { isRequestRewriteError } from "./request-rewrite-error.ts"

const anthropic = parseBaseUrl(undefined)
const gateway = parseBaseUrl("https://gateway.example.com/anthropic")

describe("targetUrl", () => {
  it.each([
    [anthropic, "https://api.anthropic.com/v1/messages", "https://api.anthropic.com/v1/messages"],
    [
      anthropic,
      "https://api.anthropic.com/v1/messages?beta=true",
      "https://api.anthropic.com/v1/messages?beta=true",
    ],
    [anthropic, "http://127.0.0.1:4010/v1/models?limit=5", "https://api.anthropic.com/v1/models?limit=5"],
    [anthropic, "/v1/messages/count_tokens", "https://api.anthropic.com/v1/messages/count_tokens"],
    [
      anthropic,
      new URL("https://api.anthropic.com/v1/messages#frag"),
      "https://api.anthropic.com/v1/messages",
    ],
    [gateway, "https://api.anthropic.com/v1/messages", "https://gateway.example.com/anthropic/v1/messages"],
    [
      gateway,
      "https://gateway.example.com/anthropic/v1/messages",
      "https://gateway.example.com/anthropic/v1/messages",
    ],
    [gateway, "https://gateway.example.com/v1/messages", "https://gateway.example.com/anthropic/v1/messages"],
    [
      gateway,
      "https://gateway.example.com/anthropicx/v1",
      "https://gateway.example.com/anthropic/anthropicx/v1",
    ],
    [gateway, "https://api.anthropic.com/v1/../../admin", "https://gateway.example.com/anthropic/admin"],
    [gateway, "https://api.anthropic.com/v1/%2e%2e/%2E%2E/x", "https://gateway.example.com/anthropic/x"],
    [gateway, "//evil.example/v1/messages", "https://gateway.example.com/anthropic/v1/messages"],
    [anthropic, "https://user:pw@evil.example/v1/messages", "https://api.anthropic.com/v1/messages"],
    [
      anthropic,
      "https://api.anthropic.com/v1/messages?q=%40evil.example",
      "https://api.anthropic.com/v1/messages?q=%40evil.example",
    ],
    [anthropic, "https://api.anthropic.com\\@evil.example/v1", "https://api.anthropic.com/@evil.example/v1"],
  ])("%o + %s → %s", (base, incoming, expected) => {
    expect(targetUrl(base, incoming)).toBe(expected)
  })

  it.each([
    ["unparseable", "http://["],
    ["not http", "javascript:alert(1)"],
    ["a data URL", "data:text/plain,hi"],
  ])("refuses an incoming URL that is %s, without repeating it", (_, incoming) => {
    try {
      targetUrl(anthropic, incoming)
      expect.unreachable()
    } catch (error) {
      expect(isRequestRewriteError(error) && error.code).toBe("ERR_REWRITE_INVALID_URL")
      expect((error as Error).message).not.toContain(incoming)
      expect((error as Error).cause).toBeUndefined()
    }
  })

  it("property: whatever the incoming URL, the target is on the base URL's origin and under its prefix", () => {
    const base = fc.constantFrom(
      anthropic,
      gateway,
      parseBaseUrl("http://127.0.0.1:4010"),
      parseBaseUrl("https://eu.example.com:8443/a/b"),
    )
    const segment = fc.oneof(
      fc.webSegment(),
      fc.constantFrom("..", ".", "%2e%2e", "%2E.", "", "@evil.example", "\\", "//evil.example", "?", "#"),
    )
    const incoming = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join("/")}`),
      fc
        .tuple(fc.webUrl(), fc.array(segment, { maxLength: 6 }))
        .map(([origin, parts]) => `${origin}/${parts.join("/")}`),
      fc.string().map((s) => `/${s}`),
    )
    fc.assert(
      fc.property(base, incoming, (b, url) => {
        let target: URL
        try {
          target = new URL(targetUrl(b, url))
        } catch (error) {
          expect(isRequestRewriteError(error) && error.code).toBe("ERR_REWRITE_INVALID_URL")
          return
        }
        expect(target.origin).toBe(b.origin)
        expect(target.username + target.password).toBe("")
        expect(target.pathname === b.prefix || target.pathname.startsWith(`${b.prefix}/`)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
