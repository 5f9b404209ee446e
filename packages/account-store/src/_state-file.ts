import * as v from "valibot"
import type { FileSpec } from "./_versioned-file.ts"
import type { AccountState, Assert, Cooldown, RateLimitSnapshot, Same } from "./store-types.ts"

const timestamp = v.pipe(v.number(), v.minValue(0))

const healthSchema = v.strictObject({ score: v.number(), updatedAt: timestamp })
const bucketSchema = v.strictObject({ tokens: v.number(), updatedAt: timestamp })

export const accountStateSchema = v.strictObject({
  health: v.exactOptional(healthSchema),
  bucket: v.exactOptional(bucketSchema),
  lastUsedAt: v.exactOptional(timestamp),
  lastOutcome: v.exactOptional(
    v.strictObject({
      class: v.string(),
      status: v.exactOptional(v.number()),
      reason: v.exactOptional(v.string()),
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
  limit: v.exactOptional(v.nullable(v.number())),
  remaining: v.exactOptional(v.nullable(v.number())),
  resetAt: v.exactOptional(v.nullable(v.number())),
})

/** rotation-strategies' `RateLimitSnapshot`; unknown extra fields are kept so that package can grow it. */
export const rateLimitSnapshotSchema = v.looseObject({
  observedAt: timestamp,
  requests: v.exactOptional(v.nullable(windowSchema)),
  tokens: v.exactOptional(v.nullable(windowSchema)),
  inputTokens: v.exactOptional(v.nullable(windowSchema)),
  outputTokens: v.exactOptional(v.nullable(windowSchema)),
})

export const stateFileSchema = v.strictObject({
  version: v.literal(1),
  accounts: v.record(v.string(), accountStateSchema),
  cooldowns: v.record(v.string(), cooldownSchema),
  rateLimits: v.record(v.string(), rateLimitSnapshotSchema),
})

export type { AccountState, Cooldown, RateLimitSnapshot }
export interface StateFile {
  version: 1
  accounts: Record<string, AccountState>
  cooldowns: Record<string, Cooldown>
  rateLimits: Record<string, RateLimitSnapshot>
}
export type SchemaMatchesTypes = [
  Assert<Same<v.InferOutput<typeof accountStateSchema>, AccountState>>,
  Assert<Same<v.InferOutput<typeof cooldownSchema>, Cooldown>>,
  Assert<Same<v.InferOutput<typeof rateLimitSnapshotSchema>, RateLimitSnapshot>>,
  Assert<Same<v.InferOutput<typeof stateFileSchema>, StateFile>>,
]

export const stateFileSpec: FileSpec<StateFile> = {
  name: "state.json",
  version: 1,
  secret: false,
  schema: stateFileSchema,
  empty: () => ({ version: 1, accounts: {}, cooldowns: {}, rateLimits: {} }),
  migrations: [],
}
