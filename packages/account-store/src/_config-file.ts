import * as v from "valibot"
import { dictionary, dictionarySchema } from "./_dictionary.ts"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { Assert, ModelPricing, Same, StoreConfig } from "./store-types.ts"

const schemas = lazy(() => {
  const positive = v.pipe(v.number(), v.minValue(0))
  const perMTok = v.exactOptional(positive)

  const pricing = v.strictObject({
    inputPerMTok: positive,
    outputPerMTok: positive,
    cacheWrite5mPerMTok: perMTok,
    cacheWrite1hPerMTok: perMTok,
    cacheReadPerMTok: perMTok,
    webSearchPerThousand: perMTok,
  })

  /** What users may set; everything optional in a patch. Defaults are applied by `configDefaults`. */
  const config = v.strictObject({
    strategy: v.exactOptional(v.pipe(v.string(), v.minLength(1))),
    waitBudgetMs: v.exactOptional(positive),
    maxAttempts: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    deadlineMs: v.exactOptional(positive),
    extraBetas: v.array(v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/))),
    /** Model id glob → USD per million tokens; overrides the built-in price table. */
    pricing: dictionarySchema(pricing),
    toasts: v.strictObject({
      enabled: v.boolean(),
      onSwitch: v.exactOptional(v.boolean()),
      durationMs: v.exactOptional(positive),
    }),
    /** Keep new secrets in the OS keychain instead of secrets.json. */
    keychain: v.boolean(),
    /** Daily usage older than this is pruned on write. */
    usageRetentionDays: v.pipe(v.number(), v.integer(), v.minValue(31)),
  })

  const file = v.strictObject({ version: v.literal(1), config })
  return { pricing, config, file }
})

/** The schema of the settings users may set (built on first use). */
export const configSchema = () => schemas().config

export type { StoreConfig }
export interface ConfigFile {
  version: 1
  config: StoreConfig
}
export type SchemaMatchesTypes = [
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["pricing"]>, ModelPricing>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, ConfigFile>>,
]

export function configDefaults(): StoreConfig {
  return {
    extraBetas: [],
    pricing: dictionary(),
    toasts: { enabled: true },
    keychain: false,
    usageRetentionDays: 400,
  }
}

export const configFileSpec: FileSpec<ConfigFile> = {
  name: "config.json",
  version: 1,
  secret: false,
  get schema() {
    return schemas().file
  },
  empty: () => ({ version: 1, config: configDefaults() }),
  migrations: [],
}
