import * as v from "valibot"
import type { FileSpec } from "./_versioned-file.ts"

const timestamp = v.pipe(v.number(), v.minValue(0))

const healthSchema = v.strictObject({ score: v.number(), updatedAt: timestamp })
const bucketSchema = v.strictObject({ tokens: v.number(), updatedAt: timestamp })

export const accountStateSchema = v.strictObject({
  health: v.optional(healthSchema),
  bucket: v.optional(bucketSchema),
  lastUsedAt: v.optional(timestamp),
  lastOutcome: v.optional(
    v.strictObject({
      class: v.string(),
      status: v.optional(v.number()),
      reason: v.optional(v.string()),
      at: timestamp,
    }),
  ),
})

export const cooldownSchema = v.strictObject({
  until: timestamp,
  class: v.string(),
  reason: v.string(),
  level: v.pipe(v.number(), v.integer(), v.minValue(0)),
  since: timestamp,
})

const windowSchema = v.looseObject({
  limit: v.nullish(v.number()),
  remaining: v.nullish(v.number()),
  resetAt: v.nullish(v.number()),
})

/** rotation-strategies' `RateLimitSnapshot`; unknown extra fields are kept so that package can grow it. */
export const rateLimitSnapshotSchema = v.looseObject({
  observedAt: timestamp,
  requests: v.nullish(windowSchema),
  tokens: v.nullish(windowSchema),
  inputTokens: v.nullish(windowSchema),
  outputTokens: v.nullish(windowSchema),
})

export const stateFileSchema = v.strictObject({
  version: v.literal(1),
  accounts: v.record(v.string(), accountStateSchema),
  cooldowns: v.record(v.string(), cooldownSchema),
  rateLimits: v.record(v.string(), rateLimitSnapshotSchema),
})

export type AccountState = v.InferOutput<typeof accountStateSchema>
export type Cooldown = v.InferOutput<typeof cooldownSchema>
export type RateLimitSnapshot = v.InferOutput<typeof rateLimitSnapshotSchema>
export type StateFile = v.InferOutput<typeof stateFileSchema>

export const stateFileSpec: FileSpec<StateFile> = {
  name: "state.json",
  version: 1,
  secret: false,
  schema: stateFileSchema,
  empty: () => ({ version: 1, accounts: {}, cooldowns: {}, rateLimits: {} }),
  migrations: [],
}
