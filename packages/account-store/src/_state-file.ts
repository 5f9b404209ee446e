import * as v from "valibot"
import { dictionary, dictionarySchema } from "./_dictionary.ts"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { AccountState, Assert, Cooldown, RateLimitSnapshot, Same } from "./store-types.ts"

const schemas = lazy(() => {
  const timestamp = v.pipe(v.number(), v.minValue(0))

  const health = v.strictObject({ score: v.number(), updatedAt: timestamp })
  const bucket = v.strictObject({ tokens: v.number(), updatedAt: timestamp })

  const accountState = v.strictObject({
    health: v.exactOptional(health),
    bucket: v.exactOptional(bucket),
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

  const cooldown = v.strictObject({
    until: timestamp,
    class: v.string(),
    reason: v.string(),
    level: v.pipe(v.number(), v.integer(), v.minValue(0)),
    since: timestamp,
  })

  const window = v.looseObject({
    limit: v.exactOptional(v.nullable(v.number())),
    remaining: v.exactOptional(v.nullable(v.number())),
    resetAt: v.exactOptional(v.nullable(v.number())),
  })

  /** rotation-strategies' `RateLimitSnapshot`; unknown extra fields are kept so that package can grow it. */
  const rateLimitSnapshot = v.looseObject({
    observedAt: timestamp,
    requests: v.exactOptional(v.nullable(window)),
    tokens: v.exactOptional(v.nullable(window)),
    inputTokens: v.exactOptional(v.nullable(window)),
    outputTokens: v.exactOptional(v.nullable(window)),
  })

  // Keyed by account ids and by keys holding organization ids from response headers: maps without a prototype.
  const file = v.strictObject({
    version: v.literal(1),
    accounts: dictionarySchema(accountState),
    cooldowns: dictionarySchema(cooldown),
    rateLimits: dictionarySchema(rateLimitSnapshot),
  })
  return { accountState, cooldown, rateLimitSnapshot, file }
})

export type { AccountState, Cooldown, RateLimitSnapshot }
export interface StateFile {
  version: 1
  accounts: Record<string, AccountState>
  cooldowns: Record<string, Cooldown>
  rateLimits: Record<string, RateLimitSnapshot>
}
export type SchemaMatchesTypes = [
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["accountState"]>, AccountState>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["cooldown"]>, Cooldown>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["rateLimitSnapshot"]>, RateLimitSnapshot>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, StateFile>>,
]

export const stateFileSpec: FileSpec<StateFile> = {
  name: "state.json",
  version: 1,
  secret: false,
  get schema() {
    return schemas().file
  },
  empty: () => ({ version: 1, accounts: dictionary(), cooldowns: dictionary(), rateLimits: dictionary() }),
  migrations: [],
}
