import * as v from "valibot"
import { credentialSchema, type StoredAccount, storedAccountSchema } from "./_accounts-file.ts"
import { dictionary } from "./_dictionary.ts"
import { describeIssues, lazy } from "./_versioned-file.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError } from "./account-store-error.ts"
import type { AccountPatch, CredentialInput, NewAccountInput } from "./account-types.ts"
import { credentialFingerprint } from "./credential-fingerprint.ts"
import { redactSecret } from "./redact-secret.ts"

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567"

/** `acc_` + 16 base32 characters (80 random bits). */
export function newAccountId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let id = "acc_"
  for (const byte of bytes) id += BASE32[byte & 31]
  return id
}

export function newRuleId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  let id = "rule_"
  for (const byte of bytes) id += BASE32[byte & 31]
  return id
}

function invalid(what: string, issues: readonly v.BaseIssue<unknown>[]): AccountStoreError {
  return new AccountStoreError(
    ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
    `${what} is invalid: ${describeIssues(issues)}.`,
  )
}

const apiKeyInput = lazy(() =>
  v.strictObject({
    kind: v.literal("api-key"),
    key: v.pipe(v.string(), v.regex(/^\S{8,}$/)),
  }),
)

/** Builds the stored form of a new account (validated) and the secret to keep for it, if any. */
export function buildAccount(
  input: NewAccountInput,
  context: { now: number; secretStorage: "file" | "keychain" },
): { account: StoredAccount; secret?: string } {
  const credentialInput: CredentialInput = input.credential
  let secret: string | undefined
  let credential: unknown = credentialInput
  if (credentialInput?.kind === "api-key") {
    const parsed = v.safeParse(apiKeyInput(), credentialInput)
    if (!parsed.success) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        "The api-key credential needs `key`: the key itself, without spaces (a Console key starts with sk-ant-api).",
      )
    }
    secret = parsed.output.key
    credential = { kind: "api-key", hint: redactSecret(secret) }
  }
  const candidate = {
    id: newAccountId(),
    label: input.label,
    credential,
    secretStorage: context.secretStorage,
    fingerprint: "0".repeat(32),
    tags: input.tags ?? [],
    enabled: input.enabled ?? true,
    pinned: input.pinned ?? false,
    priority: input.priority ?? 0,
    createdAt: context.now,
    updatedAt: context.now,
    ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
    ...(input.disabledReason !== undefined ? { disabledReason: input.disabledReason } : {}),
    ...(input.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: input.monthlyBudgetUsd } : {}),
  }
  const result = v.safeParse(storedAccountSchema(), candidate)
  if (!result.success) throw invalid("The account", result.issues)
  const account = result.output
  account.fingerprint = credentialFingerprint(account.credential, secret)
  return secret === undefined ? { account } : { account, secret }
}

/** Applies a patch to a stored account (validated); `null` clears an optional field. */
export function patchAccount(account: StoredAccount, patch: AccountPatch, now: number): StoredAccount {
  // Without a prototype: a `__proto__` key of a patch parsed from JSON stays a key (refused as unknown below)
  // instead of becoming the prototype, whose fields the schema would read as the account's.
  const next: Record<string, unknown> = Object.assign(dictionary(), account, { updatedAt: now })
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    if (value === null) delete next[key]
    else next[key] = value
  }
  if (patch.credential !== undefined) {
    if (account.credential.kind === "api-key" || !v.is(credentialSchema(), patch.credential)) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        `The credential of account ${account.id} cannot be changed that way: an api-key is replaced by removing the account and adding it again, and other kinds need a complete, valid credential.`,
      )
    }
  }
  if (patch.enabled === true && patch.disabledReason === undefined) delete next.disabledReason
  const result = v.safeParse(storedAccountSchema(), next)
  if (!result.success) throw invalid(`The update of account ${account.id}`, result.issues)
  const updated = result.output
  if (patch.credential !== undefined) updated.fingerprint = credentialFingerprint(updated.credential)
  return updated
}
