import type { Credential, StoredAccount } from "./store-types.ts"

export type { Credential }

/** The kinds of credential DESIGN.md documents: `api-key`, `env`, `command`, `profile`, `federation`. */
export type CredentialKind = Credential["kind"]

/** A credential as given when adding an account: an api-key carries its `key`, the other kinds are as stored. */
export type CredentialInput = { kind: "api-key"; key: string } | Exclude<Credential, { kind: "api-key" }>

/**
 * An account as every reader sees it: frozen, and free of secrets (an api-key appears only as `sk-ant-…abcd`).
 */
export type Account = Readonly<StoredAccount>

/** What `addAccount` takes. */
export interface NewAccountInput {
  label: string
  credential: CredentialInput
  baseUrl?: string
  tags?: string[]
  enabled?: boolean
  disabledReason?: string
  pinned?: boolean
  priority?: number
  monthlyBudgetUsd?: number
}

/** What `updateAccount` takes; `null` clears an optional field. An api-key is replaced by remove and add. */
export interface AccountPatch {
  label?: string
  credential?: Exclude<Credential, { kind: "api-key" }>
  baseUrl?: string | null
  tags?: string[]
  enabled?: boolean
  disabledReason?: string | null
  pinned?: boolean
  priority?: number
  monthlyBudgetUsd?: number | null
}
