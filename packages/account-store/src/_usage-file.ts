import * as v from "valibot"
import type { FileSpec } from "./_versioned-file.ts"
import type { Assert, Same, UsageCounters } from "./store-types.ts"

const COUNTER_FIELDS = [
  "requests",
  "inputTokens",
  "outputTokens",
  "cacheWrite5mTokens",
  "cacheWrite1hTokens",
  "cacheReadTokens",
  "webSearchRequests",
  "costMicroUsd",
  "unpricedRequests",
] as const

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0
}

/**
 * Exactly nine whole numbers ≥ 0, nothing else: what a valibot `strictObject` of the nine counters accepts, written
 * out because a year of usage holds tens of thousands of them and the schema costs four times as much.
 */
export function isUsageCounters(value: unknown): value is UsageCounters {
  if (typeof value !== "object" || value === null) return false
  const counters = value as Record<string, unknown>
  let keys = 0
  for (const key in counters) {
    if (!Object.hasOwn(counters, key)) continue
    keys++
    if (!isCount(counters[key])) return false
  }
  if (keys !== COUNTER_FIELDS.length) return false
  for (const field of COUNTER_FIELDS) if (!Object.hasOwn(counters, field)) return false
  return true
}

const usageCountersSchema = v.custom<UsageCounters>(
  isUsageCounters,
  "nine usage counters, each a whole number ≥ 0",
)

/** One UTC day: accountId → model → project → counters. */
export const usageDaySchema = v.record(
  v.string(),
  v.record(v.string(), v.record(v.string(), usageCountersSchema)),
)

const dayKey = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/))

/** days[YYYY-MM-DD][accountId][model][project] → counters. */
export const usageFileSchema = v.strictObject({
  version: v.literal(1),
  days: v.record(dayKey, usageDaySchema),
})

export type UsageDay = UsageFile["days"][string]

// valibot's `record` leaves these keys out of what it returns; a day holding one is left to the schema.
const DROPPED_KEYS = new Set(["__proto__", "prototype", "constructor"])

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/**
 * A quick, conservative check of one day: true only when `usageDaySchema` accepts the day and returns it unchanged.
 * What it refuses, the schema decides (under the lock). Reading this month's usage checks thousands of cells, and
 * this costs a third of the schema's time.
 */
export function isUsageDay(day: unknown): day is UsageDay {
  if (!isPlainRecord(day)) return false
  for (const accountId in day) {
    if (!Object.hasOwn(day, accountId)) continue
    const byModel = day[accountId]
    if (DROPPED_KEYS.has(accountId) || !isPlainRecord(byModel)) return false
    for (const model in byModel) {
      if (!Object.hasOwn(byModel, model)) continue
      const byProject = byModel[model]
      if (DROPPED_KEYS.has(model) || !isPlainRecord(byProject)) return false
      for (const project in byProject) {
        if (!Object.hasOwn(byProject, project)) continue
        if (DROPPED_KEYS.has(project) || !isUsageCounters(byProject[project])) return false
      }
    }
  }
  return true
}

/**
 * The file as read for viewing (outside the lock): its shape down to the days, each day's content left unchecked
 * until that day is first read (`RuntimeState` checks it with `isUsageDay`). A year of usage is not validated to
 * route a request; a file read to be written back is validated whole.
 */
const usageFileViewSchema = v.strictObject({
  version: v.literal(1),
  days: v.record(
    dayKey,
    v.custom<UsageDay>((day) => typeof day === "object" && day !== null && !Array.isArray(day)),
  ),
})

export type { UsageCounters }
export interface UsageFile {
  version: 1
  days: Record<string, Record<string, Record<string, Record<string, UsageCounters>>>>
}
export type SchemaMatchesTypes = [
  Assert<Same<(typeof COUNTER_FIELDS)[number], keyof UsageCounters>>,
  Assert<Same<v.InferOutput<typeof usageFileSchema>, UsageFile>>,
  Assert<Same<v.InferOutput<typeof usageFileViewSchema>, UsageFile>>,
]

export const usageFileSpec: FileSpec<UsageFile> = {
  name: "usage.json",
  version: 1,
  secret: false,
  schema: usageFileSchema,
  viewSchema: usageFileViewSchema,
  empty: () => ({ version: 1, days: {} }),
  migrations: [],
}
