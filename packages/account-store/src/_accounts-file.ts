import * as v from "valibot"
import { dictionary, dictionarySchema } from "./_dictionary.ts"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { Assert, Credential, Same, StoredAccount } from "./store-types.ts"

export const ACCOUNT_ID_PATTERN = /^acc_[a-z2-7]{16}$/

const schemas = lazy(() => {
  const timestamp = v.pipe(v.number(), v.integer(), v.minValue(0))
  const nonEmpty = v.pipe(v.string(), v.minLength(1))

  const identityTokenSource = v.variant("source", [
    v.strictObject({ source: v.literal("file"), path: nonEmpty }),
    v.strictObject({
      source: v.literal("command"),
      command: nonEmpty,
      timeoutMs: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    }),
    v.strictObject({
      source: v.literal("oauth"),
      issuer: v.pipe(v.string(), v.url()),
      clientId: nonEmpty,
      scopes: v.array(nonEmpty),
      audience: v.exactOptional(nonEmpty),
      extraParams: v.exactOptional(dictionarySchema(v.string())),
    }),
  ])

  const credential = v.variant("kind", [
    v.strictObject({ kind: v.literal("api-key"), hint: v.string() }),
    v.strictObject({
      kind: v.literal("env"),
      variable: v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/)),
    }),
    v.strictObject({
      kind: v.literal("command"),
      command: nonEmpty,
      ttlSeconds: v.pipe(v.number(), v.minValue(0)),
      timeoutMs: v.pipe(v.number(), v.integer(), v.minValue(1)),
    }),
    v.strictObject({ kind: v.literal("profile"), profile: nonEmpty, configDir: v.exactOptional(nonEmpty) }),
    v.strictObject({
      kind: v.literal("federation"),
      federationRuleId: v.pipe(v.string(), v.regex(/^fdrl_\w+$/)),
      organizationId: nonEmpty,
      serviceAccountId: v.pipe(v.string(), v.regex(/^svac_\w+$/)),
      workspaceId: v.exactOptional(nonEmpty),
      identityToken: identityTokenSource,
    }),
  ])

  const storedAccount = v.strictObject({
    id: v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN)),
    label: nonEmpty,
    credential,
    /** Where this account's secrets (its key, its token slots) live. */
    secretStorage: v.picklist(["file", "keychain"]),
    fingerprint: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
    baseUrl: v.exactOptional(v.pipe(v.string(), v.url())),
    tags: v.array(nonEmpty),
    enabled: v.boolean(),
    disabledReason: v.exactOptional(v.string()),
    pinned: v.boolean(),
    priority: v.number(),
    monthlyBudgetUsd: v.exactOptional(v.pipe(v.number(), v.minValue(0))),
    learned: v.exactOptional(
      v.strictObject({
        organizationId: v.exactOptional(nonEmpty),
        workspaceId: v.exactOptional(nonEmpty),
        at: timestamp,
      }),
    ),
    createdAt: timestamp,
    updatedAt: timestamp,
  })

  const file = v.strictObject({
    version: v.literal(1),
    accounts: v.array(storedAccount),
    /** Tombstones: id → removal time. A process that still remembers a removed account can never bring it back. */
    deleted: dictionarySchema(timestamp),
  })
  return { credential, storedAccount, file }
})

/** The schema of a stored credential (built on first use). */
export const credentialSchema = () => schemas().credential
/** The schema of a stored account (built on first use). */
export const storedAccountSchema = () => schemas().storedAccount

export type { StoredAccount }
export interface AccountsFile {
  version: 1
  accounts: StoredAccount[]
  /** Tombstones: id → removal time. */
  deleted: Record<string, number>
}
export type SchemaMatchesTypes = [
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["credential"]>, Credential>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["storedAccount"]>, StoredAccount>>,
  Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, AccountsFile>>,
]

/**
 * v0 is the pre-release layout (never published, but real files exist on early adopters' machines): no `version`
 * field, keys inline as `key`, `disabled` instead of `enabled`. v1 moves every key into the secrets file, adds the
 * fingerprint, tags, pins, priorities and tombstones.
 */
const v0Schema = lazy(() =>
  v.object({
    accounts: v.array(
      v.object({
        id: v.pipe(v.string(), v.regex(ACCOUNT_ID_PATTERN)),
        label: v.exactOptional(v.string()),
        type: v.picklist(["api-key", "env"]),
        key: v.exactOptional(v.string()),
        env: v.exactOptional(v.string()),
        baseUrl: v.exactOptional(v.string()),
        disabled: v.exactOptional(v.boolean()),
        addedAt: v.exactOptional(v.number()),
      }),
    ),
  }),
)

export function accountsFileSpec(
  fingerprintOf: (credential: unknown, secret?: string) => string,
): FileSpec<AccountsFile> {
  return {
    name: "accounts.json",
    version: 1,
    secret: false,
    get schema() {
      return schemas().file
    },
    empty: () => ({ version: 1, accounts: [], deleted: dictionary() }),
    migrations: [
      {
        from: 0,
        migrate(raw, context) {
          const old = v.parse(v0Schema(), raw)
          const accounts: StoredAccount[] = old.accounts.map((a, index) => {
            const at = a.addedAt ?? context.now
            const base = {
              id: a.id,
              label: a.label || `account ${index + 1}`,
              secretStorage: "file" as const,
              tags: [],
              enabled: a.disabled !== true,
              pinned: false,
              priority: 0,
              createdAt: at,
              updatedAt: context.now,
              ...(a.baseUrl ? { baseUrl: a.baseUrl } : {}),
            }
            if (a.type === "api-key") {
              if (!a.key) throw new Error(`account ${a.id} has type api-key but no key`)
              context.putSecret(`key:${a.id}`, a.key)
              const credential = { kind: "api-key" as const, hint: context.redact(a.key) }
              return { ...base, credential, fingerprint: fingerprintOf(credential, a.key) }
            }
            if (!a.env) throw new Error(`account ${a.id} has type env but no env`)
            const credential = { kind: "env" as const, variable: a.env }
            return { ...base, credential, fingerprint: fingerprintOf(credential) }
          })
          return { version: 1, accounts, deleted: dictionary() }
        },
      },
    ],
  }
}
