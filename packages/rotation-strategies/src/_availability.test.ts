import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Availability } from "./_availability.ts"
import { isCooling } from "./cooldown.ts"
import { candidateCooldownKeys } from "./cooldown-key.ts"
import type { Candidate, PickContext } from "./strategy.ts"

const NOW = Date.UTC(2026, 9, 8, 12)
const MC = "sonnet-4.x"

// Ids as they come (`acc_…`, `org-…`, `wrkspc_…`), and the odd ones no key can name: empty, or holding "|".
const accountId = fc.oneof(
  fc.integer({ min: 0, max: 8 }).map((i) => `acc_${i}`),
  fc.constantFrom("", "acc_|x"),
)
const orgId = fc.option(fc.oneof(fc.constantFrom("org-1", "org-2", "org-3"), fc.constantFrom("", "o|p")), {
  nil: undefined,
})
const workspaceId = fc.option(fc.constantFrom("wrkspc_1", "wrkspc_2", ""), { nil: undefined })
const candidateArb = fc.record(
  { id: accountId, organizationId: orgId, workspaceId },
  { requiredKeys: ["id"] },
)
const scopeArb = fc.oneof(
  accountId.map((id) => `acct:${id}`),
  fc.constantFrom("org-1", "org-2", "", "o|p").map((id) => `org:${id}`),
  fc.constantFrom("wrkspc_1", "").map((id) => `ws:${id}`),
)
const keyArb = fc.oneof(
  scopeArb,
  fc.tuple(scopeArb, fc.constantFrom(MC, "opus-4.x", "")).map(([scope, mc]) => `${scope}|${mc}`),
  fc.constantFrom("bogus", "acct:", "team:x", "acct:acc_1|x|y"),
)
/** A pick's context with cooldowns (a record or a Map) and keys to avoid drawn from `keys`. */
function contextArb(keys: fc.Arbitrary<string>) {
  const cooldowns = fc.dictionary(
    keys,
    fc.record({ until: fc.integer({ min: NOW - 10_000, max: NOW + 10_000 }), level: fc.constant(1) }),
  )
  return fc.record({
    cooldowns: fc.oneof(
      cooldowns,
      cooldowns.map((record) => new Map(Object.entries(record))),
    ),
    avoid: fc.option(fc.array(keys, { maxLength: 3 }), { nil: undefined }),
    exclude: fc.option(
      fc.array(accountId, { maxLength: 2 }).map((ids) => new Set(ids)),
      { nil: undefined },
    ),
    modelClass: fc.constantFrom(MC, "opus-4.x"),
  })
}

/** Answers as a fresh instance gives them: asked one candidate at a time, it looks each one's keys up. */
function askedOneByOne(context: PickContext, candidates: readonly Candidate[]): boolean[] {
  return candidates.map((candidate) => {
    const availability = new Availability()
    availability.prepare(context)
    return availability.isBlocked(candidate)
  })
}

/** Answers once an instance has been asked so often in one pick that it read every cooldown. */
function afterReadingAll(context: PickContext, candidates: readonly Candidate[]): boolean[] {
  const availability = new Availability()
  availability.prepare(context)
  for (let i = 0; i < 100; i++) availability.isBlocked({ id: "acc_nobody" })
  return candidates.map((candidate) => availability.isBlocked(candidate))
}

describe("Availability", () => {
  it("property: looking a candidate's keys up and reading every cooldown give the same answers", () => {
    fc.assert(
      fc.property(contextArb(keyArb), fc.array(candidateArb, { maxLength: 12 }), (extra, candidates) => {
        const context: PickContext = { now: NOW, ...extra }
        expect(askedOneByOne(context, candidates)).toEqual(afterReadingAll(context, candidates))
      }),
      { numRuns: 300 },
    )
  })

  it("property: a candidate is out exactly when one of its cooldown keys is in force, avoided, or it is excluded", () => {
    // Keys as cooldownKey makes them, for this model class and another, and foreign ones.
    const madeKeyArb = fc.oneof(
      fc.integer({ min: 0, max: 8 }).map((i) => `acct:acc_${i}`),
      fc
        .tuple(fc.integer({ min: 0, max: 8 }), fc.constantFrom(MC, "opus-4.x"))
        .map(([i, mc]) => `acct:acc_${i}|${mc}`),
      fc.constantFrom("org:org-1", "org:org-2", "org:org-3", "ws:wrkspc_1", "ws:wrkspc_2"),
      fc
        .tuple(fc.constantFrom("org-1", "org-2", "org-3"), fc.constantFrom(MC, "opus-4.x"))
        .map(([o, mc]) => `org:${o}|${mc}`),
      fc.constantFrom("bogus", "acct:", "team:x"),
    )
    const wellFormed = fc.record(
      {
        id: fc.integer({ min: 0, max: 8 }).map((i) => `acc_${i}`),
        organizationId: fc.option(fc.constantFrom("org-1", "org-2", "org-3"), { nil: undefined }),
        workspaceId: fc.option(fc.constantFrom("wrkspc_1", "wrkspc_2"), { nil: undefined }),
      },
      { requiredKeys: ["id"] },
    )
    fc.assert(
      fc.property(contextArb(madeKeyArb), fc.array(wellFormed, { maxLength: 12 }), (extra, candidates) => {
        const context: PickContext = { now: NOW, ...extra }
        const cooldowns = extra.cooldowns
        const read = (key: string) => (cooldowns instanceof Map ? cooldowns.get(key) : cooldowns[key])
        const expected = candidates.map((candidate) => {
          const keys = candidateCooldownKeys(candidate, context.modelClass)
          return (
            (context.exclude?.has(candidate.id) ?? false) ||
            keys.some((key) => isCooling(read(key), NOW) || (extra.avoid?.includes(key) ?? false))
          )
        })
        expect(askedOneByOne(context, candidates)).toEqual(expected)
        expect(afterReadingAll(context, candidates)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it("answers for the pick it was prepared for, not the one before", () => {
    const availability = new Availability()
    const a = { id: "acc_a", organizationId: "org-1" }
    availability.prepare({
      now: NOW,
      modelClass: MC,
      cooldowns: { "org:org-1|sonnet-4.x": { until: NOW + 1 } },
    })
    expect(availability.isBlocked(a)).toBe(true)
    availability.prepare({
      now: NOW + 1,
      modelClass: MC,
      cooldowns: { "org:org-1|sonnet-4.x": { until: NOW + 1 } },
    })
    expect(availability.isBlocked(a)).toBe(false)
    availability.prepare({
      now: NOW,
      modelClass: "opus-4.x",
      cooldowns: { "org:org-1|sonnet-4.x": { until: NOW + 1 } },
    })
    expect(availability.isBlocked(a)).toBe(false)
    availability.prepare({ now: NOW, modelClass: MC, cooldowns: { "acct:acc_a": { until: NOW + 1 } } })
    expect(availability.isBlocked(a)).toBe(true)
  })
})
