import * as v from "valibot"
import { dictionary, dictionarySchema } from "./_dictionary.ts"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { Assert, Same, UsageCounters } from "./store-types.ts"

/** Every counter of a usage cell, in the order files keep them. */
export const USAGE_COUNTER_FIELDS = [
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
  if (Object.keys(value).length !== USAGE_COUNTER_FIELDS.length) return false
  const counters = value as Record<string, unknown>
  for (let i = 0; i < USAGE_COUNTER_FIELDS.length; i++) {
    const count = counters[USAGE_COUNTER_FIELDS[i]!]
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) return false
  }
  return true
}

export type UsageDay = UsageFile["days"][string]

const COUNTERS_EXPECTED = "nine usage counters, each a whole number ≥ 0"

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** One day read: its maps rebuilt without a prototype, or the first place where it is wrong. */
export type UsageDayRead =
  | { ok: true; day: UsageDay }
  | { ok: false; path: v.ObjectPathItem[]; input: unknown; expected: string }

/**
 * Checks one day (accountId → model → project → counters) as JSON.parse handed it over and rebuilds its maps as
 * `dictionary()`s, keeping every key: model ids and project directories are outside data, and a model called
 * `__proto__` is as much a key as any other. Written out, not composed from schemas, because a year of usage holds
 * tens of thousands of cells and this runs when a day is first read and before every write of the file.
 */
export function readUsageDay(raw: unknown): UsageDayRead {
  if (!isPlainRecord(raw)) return { ok: false, path: [], input: raw, expected: "Object" }
  const day: UsageDay = dictionary()
  for (const accountId of Object.keys(raw)) {
    const byModelRaw = raw[accountId]
    const accountItem = item(raw, accountId, byModelRaw)
    if (!isPlainRecord(byModelRaw))
      return { ok: false, path: [accountItem], input: byModelRaw, expected: "Object" }
    const byModel: UsageDay[string] = dictionary()
    for (const model of Object.keys(byModelRaw)) {
      const byProjectRaw = byModelRaw[model]
      const modelItem = item(byModelRaw, model, byProjectRaw)
      if (!isPlainRecord(byProjectRaw))
        return { ok: false, path: [accountItem, modelItem], input: byProjectRaw, expected: "Object" }
      const byProject: UsageDay[string][string] = dictionary()
      for (const project of Object.keys(byProjectRaw)) {
        const counters = byProjectRaw[project]
        if (!isUsageCounters(counters)) {
          const path = [accountItem, modelItem, item(byProjectRaw, project, counters)]
          return { ok: false, path, input: counters, expected: COUNTERS_EXPECTED }
        }
        byProject[project] = counters
      }
      byModel[model] = byProject
    }
    day[accountId] = byModel
  }
  return { ok: true, day }
}

function item(input: Record<string, unknown>, key: string, value: unknown): v.ObjectPathItem {
  return { type: "object", origin: "value", input, key, value }
}

const schemas = lazy(() => {
  /** One UTC day: accountId → model → project → counters. */
  const day = v.pipe(
    v.custom<Record<string, unknown>>(isPlainRecord, "Object"),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const read = readUsageDay(dataset.value)
      if (read.ok) return read.day
      const [first, ...rest] = read.path
      addIssue({ input: read.input, expected: read.expected, ...(first ? { path: [first, ...rest] } : {}) })
      return NEVER
    }),
  )
  const dayKey = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/))
  /** days[YYYY-MM-DD][accountId][model][project] → counters. */
  const file = v.strictObject({ version: v.literal(1), days: dictionarySchema(day, dayKey) })
  /**
   * The file as read for viewing (outside the lock): its shape down to the days, each day's content left unchecked
   * until that day is first read (`RuntimeState` checks it with `readUsageDay`). A year of usage is not validated to
   * route a request; a file read to be written back is validated whole.
   */
  const view = v.strictObject({
    version: v.literal(1),
    days: dictionarySchema(v.custom<UsageDay>(isPlainRecord), dayKey),
  })
  return { day, file, view }
})

/** One day's schema (built on first use): `readUsageDay` as a valibot schema. */
export const usageDaySchema = () => schemas().day

export type { UsageCounters }
export interface UsageFile {
  version: 1
  days: Record<string, Record<string, Record<string, Record<string, UsageCounters>>>>
}
export type SchemaMatchesTypes = [
  Assert<Same<(typeof USAGE_COUNTER_FIELDS)[number], keyof UsageCounters>>,
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
  empty: () => ({ version: 1, days: dictionary() }),
  migrations: [],
}
