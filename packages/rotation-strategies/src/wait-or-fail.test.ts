import { describe, expect, it } from "vitest"
import { formatUnavailable } from "./wait-or-fail.ts"

const NOW = Date.UTC(2026, 9, 8, 12)

describe("formatUnavailable", () => {
  it("names when capacity returns, absolutely and relatively, and why each account is out", () => {
    const message = formatUnavailable(
      {
        earliest: NOW + 20_000,
        unavailable: [
          { id: "acc_a", cause: "cooldown", reason: "429: limit reached", until: NOW + 20_000 },
          {
            id: "acc_b",
            cause: "cooldown",
            reason: "400: credit balance is too low",
            until: NOW + 3_600_000,
          },
        ],
      },
      { now: NOW, label: (id) => (id === "acc_a" ? "work" : "personal") },
    )
    expect(message).toBe(
      "No account can serve this request before 2026-10-08T12:00:20Z (in 20 s). work: 429: limit reached; personal: 400: credit balance is too low.",
    )
  })

  it("lists at most `limit` accounts", () => {
    const unavailable = Array.from({ length: 8 }, (_, i) => ({
      id: `acc_${i}`,
      cause: "cooldown" as const,
      reason: "r",
      until: NOW + 90 * 60_000,
    }))
    const message = formatUnavailable({ earliest: NOW + 90 * 60_000, unavailable }, { now: NOW, limit: 2 })
    expect(message).toBe(
      "No account can serve this request before 2026-10-08T13:30:00Z (in 1 h 30 min). acc_0: r; acc_1: r; and 6 more.",
    )
  })

  it("says so when nothing will be free for this request, or the pool is empty", () => {
    expect(
      formatUnavailable(
        {
          earliest: null,
          unavailable: [{ id: "acc_a", cause: "excluded", reason: "already tried", until: null }],
        },
        { now: NOW },
      ),
    ).toBe(
      "No account can serve this request: every candidate was already tried for it. acc_a: already tried.",
    )
    expect(formatUnavailable({ earliest: null, unavailable: [] }, { now: NOW })).toMatch(/no candidate/)
  })
})
