import type { Account, RoutingRule, StoreConfig } from "@keyrelay/account-store"

/** The document `keyrelay export` writes and `keyrelay import` reads (version 1). */
export interface ExportDocument {
  keyrelay: "export"
  version: 1
  exportedAt: string
  withSecrets: boolean
  accounts: ExportedAccount[]
  rules: RoutingRule[]
  config: StoreConfig
}

/** An account in an export: its settings, and its key only when exported `--with-secrets`. */
export type ExportedAccount = Pick<
  Account,
  | "id"
  | "label"
  | "credential"
  | "baseUrl"
  | "tags"
  | "enabled"
  | "disabledReason"
  | "pinned"
  | "priority"
  | "monthlyBudgetUsd"
> & {
  /** The API key itself: present only in an export made with `--with-secrets`. */
  key?: string
}

export function exportedAccount(account: Account, key: string | undefined): ExportedAccount {
  return {
    id: account.id,
    label: account.label,
    credential: account.credential,
    ...(key !== undefined ? { key } : {}),
    ...(account.baseUrl !== undefined ? { baseUrl: account.baseUrl } : {}),
    tags: [...account.tags],
    enabled: account.enabled,
    ...(account.disabledReason !== undefined ? { disabledReason: account.disabledReason } : {}),
    pinned: account.pinned,
    priority: account.priority,
    ...(account.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: account.monthlyBudgetUsd } : {}),
  }
}
