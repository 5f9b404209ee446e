import { describe, expect, it } from "vitest"
import { classifyStreamFailure } from "./classify-stream-failure.ts"

const NOW = Date.UTC(2026, 9, 8, 12)
const context = {
  now: NOW,
  random: () => 0,
  account: { id: "acc_s", organizationId: "org-s" },
  modelClass: "sonnet-4.x",
}

describe("classifyStreamFailure", () => {
  it("a stream that reached message_stop is ok", () => {
    expect(classifyStreamFailure({ ...context, summary: { sawMessageStop: true } })).toMatchObject({
      class: "ok",
      health: "success",
      action: "return",
    })
  })

  it("event: error overloaded_error: recorded as a service nudge, never replayed", () => {
    const r = classifyStreamFailure({
      ...context,
      summary: { sawMessageStop: false, error: { type: "overloaded_error", message: "Overloaded" } },
    })
    expect(r).toMatchObject({ class: "stream", underlying: "service", action: "return", health: "service" })
    expect(r.cooldown).toBeUndefined()
    expect(r.status).toBeUndefined()
    expect(r.retryDelayMs).toBeUndefined()
    expect(r.reason).toMatch(/cannot be replayed/)
  })

  it("event: error rate_limit_error: cools the group down for the next request", () => {
    const r = classifyStreamFailure({
      ...context,
      summary: { sawMessageStop: false, error: { type: "rate_limit_error", message: "Rate limited" } },
    })
    expect(r).toMatchObject({
      class: "stream",
      underlying: "rate-limit",
      action: "return",
      health: "rate-limit",
      key: "org:org-s|sonnet-4.x",
      cooldown: { until: NOW + 5000 },
    })
  })

  it("an unknown mid-stream error type counts as service trouble", () => {
    const r = classifyStreamFailure({
      ...context,
      summary: { sawMessageStop: false, error: { type: "new_error" } },
    })
    expect(r).toMatchObject({ class: "stream", underlying: "service", action: "return" })
  })

  it("EOF without message_stop: the account's health drops for the next request", () => {
    const r = classifyStreamFailure({ ...context, summary: { sawMessageStop: false, error: null } })
    expect(r).toMatchObject({
      class: "stream",
      underlying: "transport",
      scope: "account",
      action: "return",
      health: "failure",
    })
  })

  it("a stream the caller cancelled is nobody's fault", () => {
    const r = classifyStreamFailure({ ...context, aborted: true, summary: { sawMessageStop: false } })
    expect(r).toMatchObject({ class: "caller", health: "none", action: "return" })
  })
})
