import * as v from "valibot"
import type { FileSpec } from "./_versioned-file.ts"
import type { Assert, Same } from "./store-types.ts"

const entrySchema = v.strictObject({
  value: v.string(),
  updatedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  expiresAt: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(0))),
})

/** `key:<accountId>` for an api-key, `token:<accountId>:<slot>` for token slots. */
export const secretsFileSchema = v.strictObject({
  version: v.literal(1),
  entries: v.record(v.string(), entrySchema),
})

export interface SecretEntry {
  value: string
  updatedAt: number
  expiresAt?: number
}
export interface SecretsFile {
  version: 1
  entries: Record<string, SecretEntry>
}
export type SchemaMatchesTypes = Assert<Same<v.InferOutput<typeof secretsFileSchema>, SecretsFile>>

export const secretsFileSpec: FileSpec<SecretsFile> = {
  name: "secrets.json",
  version: 1,
  secret: true,
  schema: secretsFileSchema,
  empty: () => ({ version: 1, entries: {} }),
  migrations: [],
}
