import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { at } from "../test/seeded-random.ts"
import { classifyResponse } from "./classify-response.ts"
import { classifyTransportError } from "./classify-transport-error.ts"
import { type Cooldown, DEFAULT_COOLDOWN_POLICY, isCooling, mergeCooldown } from "./cooldown.ts"
import { candidateCooldownKeys } from "./cooldown-key.ts"
import { FAILURE_CLASSES } from "./failure-class.ts"
import { type HealthState, updateHealth } from "./health-score.ts"
import { createStrategy } from "./strategy.ts"

const NOW = at("2026-10-08T12:00:00Z")
const MIN = 60_000
const zero = () => 0
const account = { id: "acc_t" }
const KEY = "acct:acc_t"

const reset = () =>
  new TypeError("fetch failed", {
    cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
  })
/** What pool-fetch throws when a streaming request's headers are late. */
const lateHeaders = () =>
  Object.assign(new Error("no response headers in time"), { name: "TimeoutError", code: "ETIMEDOUT" })

/**
 * A pool's memory of cooldowns, kept the way pool-fetch and account-store keep it. With `lastOutcome`, the
 * account's last outcome is passed to the classifier as well, and a success no longer needs to clear anything.
 */
function pool(options: { lastOutcome?: boolean } = {}) {
  const cooldowns = new Map<string, Cooldown>()
  let health: HealthState | undefined
  let last: { class: string; at: number } | undefined
  return {
    cooldowns,
    get health() {
      return health
    },
    fault(now: number, error: unknown = reset()) {
      const r = classifyTransportError(error, {
        now,
        random: zero,
        account,
        cooldowns,
        ...(options.lastOutcome ? { lastOutcome: last } : {}),
      })
      if (r.key !== undefined && r.cooldown !== undefined)
        cooldowns.set(r.key, mergeCooldown(cooldowns.get(r.key), r.cooldown))
      health = updateHealth(health, r.health, now)
      last = { class: r.class, at: now }
      return r
    },
    /** pool-fetch after a 2xx: the account's expired cooldowns are cleared, so escalation starts again. */
    success(now: number) {
      if (!options.lastOutcome) {
        for (const key of candidateCooldownKeys(account, "sonnet-4.x")) {
          const cooldown = cooldowns.get(key)
          if (cooldown !== undefined && cooldown.until <= now) cooldowns.delete(key)
        }
      }
      health = updateHealth(health, "success", now)
      last = { class: "ok", at: now }
    },
    /** account-store's flush: cooldowns that have ended are dropped. */
    prune(now: number) {
      for (const [key, cooldown] of cooldowns) if (cooldown.until <= now) cooldowns.delete(key)
    },
    cooling(now: number) {
      return isCooling(cooldowns.get(KEY), now)
    },
    /** What a sticky strategy picks, acc_t being the account that served last. */
    pick(now: number) {
      return createStrategy("sticky").pick([{ id: "acc_t" }, { id: "acc_u" }], {
        now,
        modelClass: "sonnet-4.x",
        cooldowns,
        stickyId: "acc_t",
      })
    },
  }
}

describe("classifyTransportError: what each error is", () => {
  const errors: [string, unknown, string, string][] = [
    ["a reset (undici: TypeError with a cause)", reset(), "transport", "(ECONNRESET)"],
    [
      "a refused connection deep in the cause chain",
      new TypeError("fetch failed", {
        cause: new Error("x", { cause: Object.assign(new Error("y"), { code: "ECONNREFUSED" }) }),
      }),
      "transport",
      "network error before response headers (ECONNREFUSED)",
    ],
    [
      "a DNS failure",
      Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
      "transport",
      "(ENOTFOUND)",
    ],
    [
      "a socket closed by the other side",
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
      }),
      "transport",
      "(UND_ERR_SOCKET)",
    ],
    [
      "pool-fetch's own header timeout",
      lateHeaders(),
      "transport",
      "No response headers in time (ETIMEDOUT)",
    ],
    [
      "AbortSignal.timeout()",
      new DOMException("The operation timed out.", "TimeoutError"),
      "transport",
      "No response headers in time (TimeoutError)",
    ],
    [
      "undici's headers timeout",
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("Headers Timeout Error"), { code: "UND_ERR_HEADERS_TIMEOUT" }),
      }),
      "transport",
      "No response headers in time (UND_ERR_HEADERS_TIMEOUT)",
    ],
    [
      "an abort by the caller",
      new DOMException("The operation was aborted.", "AbortError"),
      "caller",
      "caller aborted",
    ],
  ]

  it.each(errors)("%s", (_, error, expectedClass, inReason) => {
    const r = classifyTransportError(error, { now: NOW, random: zero, account })
    expect(r.class).toBe(expectedClass)
    expect(r.reason).toContain(inReason)
    if (expectedClass === "transport") {
      expect(r).toMatchObject({ scope: "account", action: "next-account", health: "failure", key: KEY })
      expect(r.cooldown).toMatchObject({ until: NOW, level: 1, class: "transport", since: NOW })
    } else {
      expect(r).toMatchObject({ scope: "none", action: "return", health: "none" })
      expect(r.key).toBeUndefined()
      expect(r.cooldown).toBeUndefined()
    }
  })

  it("names the error code or name only, never its message", () => {
    const r = classifyTransportError(
      new Error("connect to https://user:sk-ant-api03-test-secret@host failed"),
      { now: NOW },
    )
    expect(r.reason).toContain("(Error)")
    expect(JSON.stringify(r)).not.toContain("sk-ant-api03-test")
  })

  it.each([undefined, null, "boom", 42, { code: 7 }, Object.create(null)])("tolerates %p", (error) => {
    const r = classifyTransportError(error, { now: NOW })
    expect(r.class).toBe("transport")
    expect(r.reason).toMatch(/network error/)
  })

  it("survives hostile getters", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no")
        },
      },
    )
    expect(classifyTransportError(hostile, { now: NOW }).class).toBe("transport")
  })

  it("a throwing random still yields next-account and a health penalty, with nothing half charged", () => {
    const r = classifyTransportError(reset(), {
      now: NOW,
      account,
      cooldowns: { [KEY]: { until: NOW - 1000, level: 1, class: "transport" } },
      random: () => {
        throw new Error("no randomness")
      },
    })
    expect(r).toMatchObject({ class: "transport", action: "next-account", health: "failure" })
    expect(r.key).toBeUndefined()
    expect(r.cooldown).toBeUndefined()
  })
})

describe("classifyTransportError: repeated faults, not isolated ones, cool the account (fake clock)", () => {
  it("an isolated fault keeps the account in rotation: a strategy still picks it", () => {
    const p = pool()
    const r = p.fault(NOW)
    expect(r.reason).toContain("An isolated fault keeps no account out")
    expect(p.cooling(NOW)).toBe(false)
    expect(p.pick(NOW)).toBe("acc_t")
  })

  it("a second fault within the window, before a success, cools the account for 5 s", () => {
    const p = pool()
    p.fault(NOW)
    const r = p.fault(NOW + 20_000)
    expect(r.cooldown).toMatchObject({
      level: 2,
      until: NOW + 25_000,
      class: "transport",
      since: NOW + 20_000,
    })
    expect(r.reason).toContain("2 in a row on this account; it is skipped until 2026-10-08T12:00:25Z")
    expect(p.cooling(NOW + 24_999)).toBe(true)
    expect(p.cooling(NOW + 25_000)).toBe(false)
    expect(p.pick(NOW + 20_001)).toBe("acc_u")
    expect(p.pick(NOW + 25_000)).toBe("acc_t")
  })

  it("the window is 60 s from the previous fault: at 60 s it counts, after it the fault is isolated again", () => {
    const inWindow = pool()
    inWindow.fault(NOW)
    expect(inWindow.fault(NOW + MIN).cooldown).toMatchObject({ level: 2, until: NOW + MIN + 5000 })
    const late = pool()
    late.fault(NOW)
    expect(late.fault(NOW + MIN + 1).cooldown).toMatchObject({ level: 1, until: NOW + MIN + 1 })
  })

  it("a new run starts at step one even when a merge kept an older run's higher level on the isolated fault's record", () => {
    const p = pool()
    p.fault(NOW)
    p.fault(NOW + 20_000)
    expect(p.fault(NOW + 30_000).cooldown).toMatchObject({ level: 3 })
    // An hour later, no success between: the fault is isolated again; mergeCooldown (as account-store merges
    // across processes) keeps level 3 on its zero-length record.
    const later = NOW + 3_600_000
    expect(p.fault(later).cooldown).toMatchObject({ level: 1, until: later })
    expect(p.cooldowns.get(KEY)).toMatchObject({ level: 3, until: later, since: later })
    // The next fault is the second of the new run: 5 s, not the fourth step of the old one.
    expect(p.fault(later + 10_000).cooldown).toMatchObject({ level: 2, until: later + 15_000 })
  })

  it("a success between two faults resets the count", () => {
    const p = pool()
    p.fault(NOW)
    p.success(NOW + 1000)
    expect(p.cooldowns.has(KEY)).toBe(false)
    expect(p.fault(NOW + 2000).cooldown).toMatchObject({ level: 1, until: NOW + 2000 })
    expect(p.cooling(NOW + 2000)).toBe(false)
  })

  it("escalates 5 s → 30 s → 2 min → 2 min while re-probes keep failing, and a success starts over", () => {
    const p = pool()
    let now = NOW
    p.fault(now)
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      now += 1000
      const r = p.fault(now)
      expect(r.cooldown!.level).toBe(i + 2)
      waits.push(r.cooldown!.until - now)
      now = r.cooldown!.until // the re-probe happens once the cooldown has ended
    }
    expect(waits).toEqual([5000, 30_000, 2 * MIN, 2 * MIN])
    p.success(now + 1)
    expect(p.fault(now + 2).cooldown).toMatchObject({ level: 1, until: now + 2 })
  })

  it("late headers follow the same rule as resets, and the two count together", () => {
    const p = pool()
    expect(p.fault(NOW, lateHeaders()).cooldown).toMatchObject({ level: 1, until: NOW })
    expect(p.fault(NOW + 4000, reset()).cooldown).toMatchObject({ level: 2, until: NOW + 9000 })
  })

  it("faults of requests sent before the account was taken out do not escalate it", () => {
    const p = pool()
    p.fault(NOW)
    const cooled = p.fault(NOW + 100).cooldown!
    const during = p.fault(NOW + 200)
    expect(during.cooldown).toEqual(cooled)
    expect(during.reason).toContain("on a request sent before this account was taken out")
    expect(p.fault(NOW + 300).cooldown).toEqual(cooled)
  })

  it("a cooldown of another kind in force is kept as it is", () => {
    const auth: Cooldown = {
      until: NOW + 30 * MIN,
      level: 2,
      class: "auth",
      reason: "rejected after a re-mint",
      since: NOW - MIN,
    }
    const r = classifyTransportError(reset(), { now: NOW, account, cooldowns: { [KEY]: auth } })
    expect(r.cooldown).toEqual(auth)
  })

  it("only transport faults count: an ended cooldown of another kind does not make a fault repeated", () => {
    const credit: Cooldown = { until: NOW - 1000, level: 3, class: "credit", reason: "x", since: NOW - MIN }
    const r = classifyTransportError(reset(), { now: NOW, account, cooldowns: { [KEY]: credit } })
    expect(r.cooldown).toMatchObject({ level: 1, until: NOW, class: "transport" })
  })

  it("the health penalty applies to every fault, isolated, repeated or during a cooldown", () => {
    const p = pool()
    const scores: number[] = []
    const kinds: string[] = []
    for (const dt of [0, 100, 200]) {
      const r = p.fault(NOW + dt)
      kinds.push(
        r.reason.includes("isolated") ? "isolated" : r.reason.includes("in a row") ? "repeated" : "during",
      )
      scores.push(Math.round(p.health!.score)) // passive recovery adds a few millionths between faults
    }
    expect(kinds).toEqual(["isolated", "repeated", "during"])
    expect(scores).toEqual([50, 30, 10])
  })

  it("the window and the ladder come from the policy", () => {
    const policy = { ...DEFAULT_COOLDOWN_POLICY, transportWindowMs: 10_000, transport: [1000, 2000] }
    const context = { random: zero, account, policy }
    const first = classifyTransportError(reset(), { ...context, now: NOW })
    const apart = classifyTransportError(reset(), {
      ...context,
      now: NOW + 10_001,
      cooldowns: { [KEY]: first.cooldown! },
    })
    expect(apart.cooldown).toMatchObject({ level: 1, until: NOW + 10_001 })
    const close = classifyTransportError(reset(), {
      ...context,
      now: NOW + 10_000,
      cooldowns: { [KEY]: first.cooldown! },
    })
    expect(close.cooldown).toMatchObject({ level: 2, until: NOW + 11_000 })
  })

  it("jitter only shortens a step, by up to 25 %", () => {
    const previous: Cooldown = { until: NOW, level: 1, class: "transport", reason: "x", since: NOW }
    const waits = [0, 0.5, 0.999].map(
      (roll) =>
        classifyTransportError(reset(), {
          now: NOW + 1,
          random: () => roll,
          account,
          cooldowns: { [KEY]: previous },
        }).cooldown!.until -
        (NOW + 1),
    )
    expect(waits).toEqual([5000, 4375, 3751])
  })

  it("a redirect or a response without a valid status follows the same rule", () => {
    const p = pool()
    const context = { random: zero, account, modelClass: "sonnet-4.x", cooldowns: p.cooldowns }
    const first = classifyResponse({ ...context, status: 307, now: NOW })
    expect(first).toMatchObject({ class: "transport", action: "next-account", key: KEY })
    expect(first.cooldown).toMatchObject({ level: 1, until: NOW })
    p.cooldowns.set(first.key!, first.cooldown!)
    const second = classifyResponse({ ...context, status: Number.NaN, now: NOW + 10 })
    expect(second.cooldown).toMatchObject({ level: 2, until: NOW + 5010 })
    expect(second.reason).toContain("The response had no valid HTTP status (NaN), 2 in a row")
  })
})

describe("classifyTransportError: the account's last outcome", () => {
  const ended: Cooldown = { until: NOW - 1000, level: 1, class: "transport", reason: "x", since: NOW - 1000 }

  it("after a success a fault is isolated at once, even while the ended record is still there", () => {
    const r = classifyTransportError(reset(), {
      now: NOW,
      account,
      cooldowns: { [KEY]: ended },
      lastOutcome: { class: "ok", at: NOW - 500 },
    })
    expect(r.cooldown).toMatchObject({ level: 1, until: NOW })
  })

  it("after a transport fault within the window, a fault repeats it even when the record was dropped", () => {
    const r = classifyTransportError(reset(), {
      now: NOW,
      random: zero,
      account,
      lastOutcome: { class: "transport", at: NOW - 30_000 },
    })
    expect(r.cooldown).toMatchObject({ level: 2, until: NOW + 5000 })
  })

  it("a transport fault longer ago than the window, or any other outcome, leaves the record to decide", () => {
    const old = { class: "transport", at: NOW - MIN - 1 }
    const service = { class: "service", at: NOW - 10 }
    for (const [lastOutcome, cooldowns, level] of [
      [old, {}, 1],
      [old, { [KEY]: ended }, 2],
      [service, {}, 1],
      [service, { [KEY]: ended }, 2],
      [null, { [KEY]: ended }, 2],
    ] as const) {
      const r = classifyTransportError(reset(), { now: NOW, random: zero, account, cooldowns, lastOutcome })
      expect(r.cooldown!.level).toBe(level)
    }
  })

  it("with the last outcome, the rule holds when the store drops ended records between faults", () => {
    const p = pool({ lastOutcome: true })
    p.fault(NOW)
    p.prune(NOW + 1000)
    expect(p.fault(NOW + 20_000).cooldown).toMatchObject({ level: 2, until: NOW + 25_000 })
    p.prune(NOW + 25_000)
    p.success(NOW + 26_000)
    expect(p.fault(NOW + 27_000).cooldown).toMatchObject({ level: 1, until: NOW + 27_000 })
  })
})

describe("classifyTransportError: properties", () => {
  const recordArb = fc.record({
    until: fc.oneof(fc.integer({ min: NOW - 10 * MIN, max: NOW + 10 * MIN }), fc.constant(Number.NaN)),
    level: fc.oneof(fc.integer({ min: -1, max: 8 }), fc.constant(Number.POSITIVE_INFINITY)),
    class: fc.constantFrom(...FAILURE_CLASSES),
    reason: fc.string({ maxLength: 8 }),
    since: fc.integer({ min: NOW - 20 * MIN, max: NOW }),
  })

  it("never shortens the cooldown in force, never ends before now, and the first fault never blocks", () => {
    fc.assert(
      fc.property(
        fc.option(recordArb, { nil: undefined }),
        fc.integer({ min: 0, max: 5 * MIN }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (previous, dt, roll) => {
          const now = NOW + dt
          const r = classifyTransportError(reset(), {
            now,
            random: () => roll,
            account,
            cooldowns: previous === undefined ? {} : { [KEY]: previous as Cooldown },
          })
          const cooldown = r.cooldown!
          expect(r.key).toBe(KEY)
          expect(r.health).toBe("failure")
          expect(cooldown.until).toBeGreaterThanOrEqual(now)
          if (previous !== undefined && !Number.isNaN(previous.until))
            expect(cooldown.until).toBeGreaterThanOrEqual(previous.until)
          if (previous !== undefined)
            expect(mergeCooldown(previous as Cooldown, cooldown).until).toBe(cooldown.until)
          if (cooldown.level <= 1 && !(previous !== undefined && previous.until > now))
            expect(isCooling(cooldown, now)).toBe(false)
        },
      ),
    )
  })

  it("in any run of faults and successes, only a fault that repeats one (≤ 60 s, no success between) cools", () => {
    const eventArb = fc.record({
      kind: fc.constantFrom("fault", "fault", "success"),
      dt: fc.integer({ min: 0, max: 3 * MIN }),
    })
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const p = pool()
        let now = NOW
        let lastFaultEnd: number | undefined
        for (const { kind, dt } of events) {
          now += dt
          if (kind === "success") {
            if (!p.cooling(now)) {
              p.success(now)
              lastFaultEnd = undefined
            }
            continue
          }
          const before = p.cooldowns.get(KEY)
          const r = p.fault(now)
          const cools = r.cooldown!.until > now
          if (before !== undefined && before.until > now) {
            expect(r.cooldown).toEqual(before)
          } else {
            const repeated = lastFaultEnd !== undefined && now - lastFaultEnd <= MIN
            expect(cools).toBe(repeated)
          }
          lastFaultEnd = r.cooldown!.until
          if (before !== undefined) expect(r.cooldown!.until).toBeGreaterThanOrEqual(before.until)
        }
      }),
    )
  })

  it("with the last outcome, and ended records dropped at any time: a fault after a success never cools, one within 60 s of the previous fault does", () => {
    const eventArb = fc.record({
      kind: fc.constantFrom("fault", "fault", "success", "prune"),
      dt: fc.integer({ min: 0, max: 3 * MIN }),
    })
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const p = pool({ lastOutcome: true })
        let now = NOW
        let last: { kind: "fault" | "success"; at: number } | undefined
        for (const { kind, dt } of events) {
          now += dt
          if (kind === "prune") p.prune(now)
          if (kind === "success" && !p.cooling(now)) {
            p.success(now)
            last = { kind, at: now }
          }
          if (kind !== "fault") continue
          const inForce = p.cooling(now)
          const r = p.fault(now)
          const cools = r.cooldown!.until > now
          if (!inForce && last?.kind === "success") expect(cools).toBe(false)
          if (!inForce && last?.kind === "fault" && now - last.at <= MIN) expect(cools).toBe(true)
          if (last === undefined) expect(cools).toBe(false)
          last = { kind, at: now }
        }
      }),
    )
  })
})
