import * as v from "valibot"
import type { FileSpec } from "./_versioned-file.ts"
import type { Assert, Same, UsageCounters } from "./store-types.ts"

const count = v.pipe(v.number(), v.integer(), v.minValue(0))

export const usageCountersSchema = v.strictObject({
  requests: count,
  inputTokens: count,
  outputTokens: count,
  cacheWrite5mTokens: count,
  cacheWrite1hTokens: count,
  cacheReadTokens: count,
  webSearchRequests: count,
  costMicroUsd: count,
  unpricedRequests: count,
})

/** days[YYYY-MM-DD][accountId][model][project] → counters. */
export const usageFileSchema = v.strictObject({
  version: v.literal(1),
  days: v.record(
    v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
    v.record(v.string(), v.record(v.string(), v.record(v.string(), usageCountersSchema))),
  ),
})

export type { UsageCounters }
export interface UsageFile {
  version: 1
  days: Record<string, Record<string, Record<string, Record<string, UsageCounters>>>>
}
export type SchemaMatchesTypes = [
  Assert<Same<v.InferOutput<typeof usageCountersSchema>, UsageCounters>>,
  Assert<Same<v.InferOutput<typeof usageFileSchema>, UsageFile>>,
]

export const usageFileSpec: FileSpec<UsageFile> = {
  name: "usage.json",
  version: 1,
  secret: false,
  schema: usageFileSchema,
  empty: () => ({ version: 1, days: {} }),
  migrations: [],
}
