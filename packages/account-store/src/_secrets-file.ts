import * as v from "valibot"
import { dictionary, dictionarySchema } from "./_dictionary.ts"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { Assert, Same } from "./store-types.ts"

const schemas = lazy(() => {
  const entry = v.strictObject({
    value: v.string(),
    updatedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
    expiresAt: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  })
  /** `key:<accountId>` for an api-key, `token:<accountId>:<slot>` for token slots. */
  const file = v.strictObject({ version: v.literal(1), entries: dictionarySchema(entry) })
  return { file }
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
export type SchemaMatchesTypes = Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, SecretsFile>>

export const secretsFileSpec: FileSpec<SecretsFile> = {
  name: "secrets.json",
  version: 1,
  secret: true,
  get schema() {
    return schemas().file
  },
  empty: () => ({ version: 1, entries: dictionary() }),
  migrations: [],
}
