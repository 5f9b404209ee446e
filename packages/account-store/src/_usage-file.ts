import * as v from "valibot"
import { type FileSpec, lazy } from "./_versioned-file.ts"
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

/**
 * Exactly nine whole numbers ≥ 0, nothing else: what a valibot `strictObject` of the nine counters accepts, written
 * out because a year of usage holds tens of thousands of them and the schema costs four times as much.
 */
export function isUsageCounters(value: unknown): value is UsageCounters {
  if (typeof value !== "object" || value === null) return false
  if (Object.keys(value).length !== COUNTER_FIELDS.length) return false
  const counters = value as Record<string, unknown>
  for (let i = 0; i < COUNTER_FIELDS.length; i++) {
    const count = counters[COUNTER_FIELDS[i]!]
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) return false
  }
  return true
}

export type UsageDay = UsageFile["days"][string]

// valibot's `record` leaves these keys out of what it returns; a day holding one is left to the schema.
const DROPPED_KEYS = new Set(["__proto__", "prototype", "constructor"])

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

const schemas = lazy(() => {
  const counters = v.custom<UsageCounters>(isUsageCounters, "nine usage counters, each a whole number ≥ 0")
  /** One UTC day: accountId → model → project → counters. */
  const day = v.record(v.string(), v.record(v.string(), v.record(v.string(), counters)))
  const dayKey = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/))
  /** days[YYYY-MM-DD][accountId][model][project] → counters. */
  const file = v.strictObject({ version: v.literal(1), days: v.record(dayKey, day) })
  /**
   * The file as read for viewing (outside the lock): its shape down to the days, each day's content left unchecked
   * until that day is first read (`RuntimeState` checks it with `isUsageDay`). A year of usage is not validated to
   * route a request; a file read to be written back is validated whole.
   */
  const view = v.strictObject({
    version: v.literal(1),
    days: v.record(dayKey, v.custom<UsageDay>(isPlainRecord)),
  })
  return { day, file, view }
})

/** One day's schema (built on first use). */
export const usageDaySchema = () => schemas().day

/**
 * A quick, conservative check of one day: true only when `usageDaySchema()` accepts the day and returns it unchanged.
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

export type { UsageCounters }
export interface UsageFile {
  version: 1
  days: Record<string, Record<string, Record<string, Record<string, UsageCounters>>>>
}
export type SchemaMatchesTypes = [
  Assert<Same<(typeof COUNTER_FIELDS)[number], keyof UsageCounters>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, UsageFile>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["view"]>, UsageFile>>,
]

export const usageFileSpec: FileSpec<UsageFile> = {
  name: "usage.json",
  version: 1,
  secret: false,
  get schema() {
    return schemas().file
  },
  get viewSchema() {
    return schemas().view
  },
  empty: () => ({ version: 1, days: {} }),
  migrations: [],
}
