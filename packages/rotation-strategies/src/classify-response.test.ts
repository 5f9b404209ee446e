import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { at } from "../test/seeded-random.ts"
import { classifyResponse } from "./classify-response.ts"
import type { Cooldown } from "./cooldown.ts"

const NOW = at("2026-10-08T12:00:00Z")
const MIN = 60_000
const zero = () => 0
const account = { id: "acc_test0000000000001" }

function envelope(type: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: "error", error: { type, message, ...extra }, request_id: "req_test01" })
}

const CREDIT =
  "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
const SPEND_CAP =
  "You have reached your API usage limits: your organization has crossed its monthly API usage threshold. Usage will resume on 2026-11-01."

// One case per row of DESIGN.md's "What each failure gets" table (plus the message variants of reference §2–3).
describe("classifyResponse: the failure table", () => {
  const base = { now: NOW, random: zero, account, modelClass: "opus-4.x" }

  it("200 is ok: health up, nothing charged, identity and limits learned", () => {
    const r = classifyResponse({
      ...base,
      status: 200,
      headers: {
        "anthropic-organization-id": "org-aaaa",
        "anthropic-workspace-id": "wrkspc_01",
        "request-id": "req_018EeWyXxfu5pfWkrYcMdjWG",
        "anthropic-ratelimit-requests-limit": "1000",
        "anthropic-ratelimit-requests-remaining": "999",
        "anthropic-ratelimit-requests-reset": "2026-10-08T12:00:01Z",
      },
    })
    expect(r).toMatchObject({
      class: "ok",
      scope: "none",
      action: "return",
      health: "success",
      organizationId: "org-aaaa",
      workspaceId: "wrkspc_01",
      requestId: "req_018EeWyXxfu5pfWkrYcMdjWG",
      rateLimits: { observedAt: NOW, requests: { limit: 1000, remaining: 999, resetAt: NOW + 1000 } },
    })
    expect(r.cooldown).toBeUndefined()
  })

  it("401 with a key: disable the account (and keep it out meanwhile)", () => {
    const r = classifyResponse({
      ...base,
      status: 401,
      body: envelope("authentication_error", "invalid x-api-key"),
    })
    expect(r).toMatchObject({
      class: "auth",
      scope: "account",
      action: "disable-account",
      health: "failure",
      key: "acct:acc_test0000000000001",
      cooldown: { until: NOW + 5 * MIN, level: 1, class: "auth" },
      error: { type: "authentication_error", message: "invalid x-api-key" },
      requestId: "req_test01",
    })
    expect(r.reason).toMatch(/revoked or expired/)
  })

  it("401 with a refreshable credential: re-mint once, then skip the account", () => {
    const first = classifyResponse({ ...base, status: 401, credential: "refreshable" })
    expect(first).toMatchObject({ class: "auth", action: "refresh-credential", health: "none" })
    expect(first.cooldown).toBeUndefined()
    const second = classifyResponse({ ...base, status: 401, credential: "refreshable", refreshed: true })
    expect(second).toMatchObject({
      class: "auth",
      action: "next-account",
      health: "failure",
      key: "acct:acc_test0000000000001",
      cooldown: { until: NOW + 5 * MIN },
    })
  })

  it.each([
    [
      400,
      "Third-party apps now draw from your extra usage, not your plan limits. Add extra usage to continue.",
    ],
    [
      400,
      "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
    ],
    [
      401,
      "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
    ],
    [
      403,
      "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
    ],
  ])("%i subscription-token message: auth, disable, says keyrelay does not support it", (status, message) => {
    const r = classifyResponse({
      ...base,
      status,
      credential: "refreshable",
      body: envelope("invalid_request_error", message),
    })
    expect(r).toMatchObject({ class: "auth", scope: "account", action: "disable-account", health: "failure" })
    expect(r.reason).toMatch(/subscription tokens are not supported by keyrelay/)
  })

  it("403 permission: this account for this model class only", () => {
    const r = classifyResponse({
      ...base,
      status: 403,
      body: envelope(
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
      ),
    })
    expect(r).toMatchObject({
      class: "permission",
      scope: "account-model",
      action: "next-account",
      key: "acct:acc_test0000000000001|opus-4.x",
      cooldown: { until: NOW + 5 * MIN },
    })
  })

  it("400 credit balance too low: the organization, re-probed after 1 min, health untouched", () => {
    const r = classifyResponse({
      ...base,
      status: 400,
      headers: { "anthropic-organization-id": "org-aaaa" },
      body: envelope("invalid_request_error", CREDIT),
    })
    expect(r).toMatchObject({
      class: "credit",
      scope: "organization",
      action: "next-group",
      health: "none",
      key: "org:org-aaaa",
      cooldown: { until: NOW + MIN, level: 1, class: "credit" },
    })
    expect(r.reason).toMatch(/credit balance is too low/)
  })

  it("400 credit balance too low is recognised in a truncated body", () => {
    const r = classifyResponse({
      ...base,
      status: 400,
      body: envelope("invalid_request_error", CREDIT).slice(0, 120),
    })
    expect(r.class).toBe("credit")
    expect(r.key).toBe("acct:acc_test0000000000001")
  })

  it("400 spend limit you set (organization): exhausted, re-probed after 15 min", () => {
    const r = classifyResponse({
      ...base,
      status: 400,
      account: { ...account, organizationId: "org-aaaa" },
      body: envelope(
        "invalid_request_error",
        "You have reached your specified API usage limits. You will regain access on 2026-11-01 at 00:00 UTC.",
      ),
    })
    expect(r).toMatchObject({
      class: "spend-limit",
      scope: "organization",
      action: "next-group",
      key: "org:org-aaaa",
      cooldown: { until: NOW + 15 * MIN },
    })
  })

  it("400 spend limit you set (workspace): that workspace only", () => {
    const r = classifyResponse({
      ...base,
      status: 400,
      headers: { "anthropic-organization-id": "org-aaaa", "anthropic-workspace-id": "wrkspc_01" },
      body: envelope(
        "invalid_request_error",
        "You have reached your specified workspace API usage limits. You will regain access on 2026-11-01 at 00:00 UTC.",
      ),
    })
    expect(r).toMatchObject({ class: "spend-limit", scope: "workspace", key: "ws:wrkspc_01" })
  })

  it("400 spend limit never re-probes past the month turn", () => {
    const r = classifyResponse({
      ...base,
      now: at("2026-10-31T23:55:00Z"),
      status: 400,
      body: envelope("invalid_request_error", "You have reached your specified API usage limits."),
    })
    expect(r.cooldown?.until).toBe(at("2026-11-01T00:00:00Z"))
  })

  it("402 billing: as credit", () => {
    const r = classifyResponse({ ...base, status: 402, body: envelope("billing_error", "Billing problem.") })
    expect(r).toMatchObject({
      class: "billing",
      scope: "organization",
      action: "next-group",
      cooldown: { until: NOW + MIN },
    })
  })

  it("429 enforced_spend_limit_reached: exhausted until 00:00 UTC on the 1st of next month", () => {
    const r = classifyResponse({
      ...base,
      status: 429,
      headers: { "anthropic-organization-id": "org-aaaa" },
      body: envelope("rate_limit_error", SPEND_CAP, {
        details: { error_code: "enforced_spend_limit_reached" },
      }),
    })
    expect(r).toMatchObject({
      class: "spend-cap",
      scope: "organization",
      action: "next-group",
      health: "none",
      key: "org:org-aaaa",
      cooldown: { until: at("2026-11-01T00:00:00Z"), class: "spend-cap" },
      error: { code: "enforced_spend_limit_reached" },
    })
    expect(r.reason).toMatch(/2026-11-01T00:00:00Z/)
  })

  it("429 spend cap is recognised by its wording when details are missing", () => {
    const r = classifyResponse({ ...base, status: 429, body: envelope("rate_limit_error", SPEND_CAP) })
    expect(r.class).toBe("spend-cap")
  })

  it("429 with retry-after: the group cools down exactly that long", () => {
    const r = classifyResponse({
      ...base,
      status: 429,
      headers: { "retry-after": "20", "anthropic-organization-id": "org-aaaa" },
      body: envelope("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
    })
    expect(r).toMatchObject({
      class: "rate-limit",
      scope: "group",
      action: "next-group",
      health: "rate-limit",
      key: "org:org-aaaa|opus-4.x",
      cooldown: { until: NOW + 20_000, level: 1 },
    })
  })

  it("429 honours retry-after-ms before retry-after, and an HTTP-date", () => {
    const ms = classifyResponse({
      ...base,
      status: 429,
      headers: { "retry-after-ms": "1500", "retry-after": "20" },
    })
    expect(ms.cooldown?.until).toBe(NOW + 1500)
    const date = classifyResponse({
      ...base,
      status: 429,
      headers: { "Retry-After": "Thu, 08 Oct 2026 12:01:00 GMT" },
    })
    expect(date.cooldown?.until).toBe(NOW + MIN)
  })

  it("429 with reset headers only: until the empty bucket is replenished", () => {
    const r = classifyResponse({
      ...base,
      status: 429,
      headers: {
        "anthropic-ratelimit-requests-remaining": "10",
        "anthropic-ratelimit-requests-reset": "2026-10-08T12:00:02Z",
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": "2026-10-08T12:00:30.250Z",
      },
    })
    expect(r.cooldown?.until).toBe(NOW + 30_250)
  })

  it("429 without any header: escalating, jittered backoff", () => {
    const r = classifyResponse({ ...base, status: 429, random: () => 0.999 })
    expect(r.class).toBe("rate-limit")
    // 5 s, shortened by up to 25 %.
    expect(r.cooldown!.until - NOW).toBeGreaterThan(3750)
    expect(r.cooldown!.until - NOW).toBeLessThanOrEqual(5000)
  })

  it.each([
    [529, "overloaded_error"],
    [500, "api_error"],
    [504, "timeout_error"],
    [503, "unknown_new_error"],
  ])("%i %s: service, not the account's fault, SDK-like retry", (status, type) => {
    const r = classifyResponse({ ...base, status, random: zero, body: envelope(type, "Overloaded") })
    expect(r).toMatchObject({
      class: "service",
      scope: "none",
      action: "retry",
      health: "service",
      retryDelayMs: 500,
    })
    expect(r.cooldown).toBeUndefined()
    expect(r.key).toBeUndefined()
  })

  it("service: retry-after-ms, x-should-retry and the retry budget are honoured", () => {
    expect(
      classifyResponse({ ...base, status: 529, headers: { "retry-after-ms": "1200" } }).retryDelayMs,
    ).toBe(1200)
    expect(classifyResponse({ ...base, status: 529, attempt: 1 }).retryDelayMs).toBe(1000)
    const told = classifyResponse({ ...base, status: 500, headers: { "x-should-retry": "false" } })
    expect(told).toMatchObject({ class: "service", action: "return" })
    expect(told.retryDelayMs).toBeUndefined()
    expect(classifyResponse({ ...base, status: 529, attempt: 2 }).action).toBe("return")
  })

  it.each([
    [400, "invalid_request_error", "max_tokens: Field required"],
    [400, "invalid_request_error", "Unexpected value(s) `foo` for the `anthropic-beta` header."],
    [404, "not_found_error", "model: claude-nope"],
    [409, "conflict_error", "Conflict"],
    [413, "request_too_large", "Request exceeds the maximum size"],
    [422, "some_future_error", "Unprocessable"],
    [400, "brand_new_error_type", "Something new"],
  ])("%i %s: caller, returned untouched, never rotated", (status, type, message) => {
    const r = classifyResponse({ ...base, status, body: envelope(type, message) })
    expect(r).toMatchObject({ class: "caller", scope: "none", action: "return", health: "none" })
    expect(r.cooldown).toBeUndefined()
  })

  it("413 from Cloudflare with an HTML body is still the caller's", () => {
    const r = classifyResponse({
      ...base,
      status: 413,
      body: "<html><body>413 Request Entity Too Large</body></html>",
    })
    expect(r.class).toBe("caller")
    expect(r.error).toBeUndefined()
  })

  it("3xx is an unexpected redirect: charged to the account as transport", () => {
    const r = classifyResponse({ ...base, status: 307, headers: { location: "https://elsewhere.test/" } })
    expect(r).toMatchObject({
      class: "transport",
      scope: "account",
      action: "next-account",
      health: "failure",
    })
  })
})

describe("classifyResponse: cooldowns escalate and are never shortened", () => {
  it("credit escalates 1 min → 5 min → 30 min → 2 h → 2 h as re-probes keep failing (fake clock)", () => {
    const cooldowns = new Map<string, Cooldown>()
    let now = NOW
    const waits: number[] = []
    for (let i = 0; i < 5; i++) {
      const r = classifyResponse({
        status: 400,
        body: envelope("invalid_request_error", CREDIT),
        now,
        random: zero,
        account: { id: "acc_a", organizationId: "org-a" },
        modelClass: "sonnet-4.x",
        cooldowns,
      })
      waits.push(r.cooldown!.until - now)
      expect(r.cooldown!.level).toBe(i + 1)
      cooldowns.set(r.key!, r.cooldown!)
      now = r.cooldown!.until + 1 // the re-probe happens once the cooldown has ended
    }
    expect(waits).toEqual([MIN, 5 * MIN, 30 * MIN, 120 * MIN, 120 * MIN])
  })

  it("429 without headers escalates 5 s → 15 s → 1 min → 5 min", () => {
    const cooldowns: Record<string, Cooldown> = {}
    let now = NOW
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      const r = classifyResponse({
        status: 429,
        now,
        random: zero,
        account,
        modelClass: "haiku-4.5",
        cooldowns,
      })
      waits.push(r.cooldown!.until - now)
      cooldowns[r.key!] = r.cooldown!
      now = r.cooldown!.until
    }
    expect(waits).toEqual([5000, 15_000, MIN, 5 * MIN])
  })

  it("an escalation is forgotten a day after the last cooldown ended", () => {
    const old: Cooldown = { until: NOW - 25 * 60 * MIN, level: 4, class: "credit", reason: "old", since: 0 }
    const r = classifyResponse({
      status: 400,
      body: envelope("invalid_request_error", CREDIT),
      now: NOW,
      random: zero,
      account,
      cooldowns: { "acct:acc_test0000000000001": old },
    })
    expect(r.cooldown).toMatchObject({ level: 1, until: NOW + MIN })
  })

  it("a later, shorter 429 keeps the longer cooldown in force", () => {
    const existing: Cooldown = {
      until: NOW + 10 * MIN,
      level: 1,
      class: "rate-limit",
      reason: "earlier 429",
      since: NOW - 1000,
    }
    const r = classifyResponse({
      status: 429,
      headers: { "retry-after": "5", "anthropic-organization-id": "org-a" },
      now: NOW,
      account,
      modelClass: "opus-4.x",
      cooldowns: { "org:org-a|opus-4.x": existing },
    })
    expect(r.cooldown).toMatchObject({
      until: NOW + 10 * MIN,
      level: 2,
      reason: "earlier 429",
      since: NOW - 1000,
    })
  })

  it("property: the returned cooldown never ends before the one in force, and its level only grows", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(400, 401, 402, 403, 429),
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        fc.integer({ min: -1e8, max: 1e9 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (status, retryAfter, offset, level, roll) => {
          const key =
            status === 429 ? "acct:acc_p|sonnet-4.x" : status === 403 ? "acct:acc_p|sonnet-4.x" : undefined
          const existing: Cooldown = {
            until: NOW + offset,
            level,
            class: "rate-limit",
            reason: "x",
            since: NOW,
          }
          const cooldowns = {
            "acct:acc_p": existing,
            "acct:acc_p|sonnet-4.x": existing,
          }
          const r = classifyResponse({
            status,
            headers: retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
            body: status === 400 ? envelope("invalid_request_error", CREDIT) : undefined,
            now: NOW,
            random: () => roll,
            account: { id: "acc_p" },
            modelClass: "sonnet-4.x",
            cooldowns,
          })
          if (r.cooldown === undefined) return
          if (key !== undefined) expect(r.key).toBe(key)
          expect(r.cooldown.until).toBeGreaterThanOrEqual(existing.until)
          expect(r.cooldown.until).toBeGreaterThanOrEqual(NOW)
          if (existing.until >= NOW - 24 * 60 * MIN) expect(r.cooldown.level).toBe(level + 1)
        },
      ),
    )
  })
})

describe("classifyResponse: hostile input never throws", () => {
  it("missing, truncated, non-JSON and odd bodies, headers and statuses", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -5, max: 1200 }), fc.constant(Number.NaN), fc.constantFrom(400, 429, 529)),
        fc.oneof(
          fc.constant(undefined),
          fc.string(),
          fc.jsonValue(),
          fc.anything(),
          fc.jsonValue().map((v) => JSON.stringify({ type: "error", error: v })),
          fc.uint8Array({ maxLength: 64 }),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()))),
          fc.constant(new Headers({ "retry-after": "soon" })),
        ),
        (status, body, headers) => {
          const r = classifyResponse({
            status,
            body,
            headers: headers as Record<string, string>,
            now: NOW,
            account,
            modelClass: "opus-4.x",
          })
          expect(typeof r.class).toBe("string")
          expect(typeof r.reason).toBe("string")
          if (r.cooldown) expect(Number.isFinite(r.cooldown.until)).toBe(true)
        },
      ),
    )
  })

  it("a throwing random still yields a classification", () => {
    const r = classifyResponse({
      status: 429,
      now: NOW,
      account,
      random: () => {
        throw new Error("boom")
      },
    })
    expect(r).toMatchObject({ class: "caller", action: "return", status: 429 })
  })

  it("never puts a secret-looking request header into a reason", () => {
    const r = classifyResponse({
      status: 401,
      now: NOW,
      account,
      headers: { "x-api-key": "sk-ant-api03-test-aaaaaaaaaaaa" },
      body: envelope("authentication_error", "invalid x-api-key"),
    })
    expect(JSON.stringify(r)).not.toContain("sk-ant-api03-test")
  })
})
