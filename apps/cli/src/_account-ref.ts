import type { Account, AccountStore } from "@keyrelay/account-store"
import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

/**
 * Finds the account a user named: its id (`acc_…`), its exact label, or a label that matches ignoring case when
 * only one does.
 *
 * @throws CliError ERR_CLI_ACCOUNT_NOT_FOUND, ERR_CLI_AMBIGUOUS_ACCOUNT
 */
export function findAccount(store: AccountStore, ref: string): Account {
  const accounts = store.listAccounts()
  const byId = accounts.find((a) => a.id === ref)
  if (byId) return byId
  let matches = accounts.filter((a) => a.label === ref)
  if (matches.length === 0) matches = accounts.filter((a) => a.label.toLowerCase() === ref.toLowerCase())
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1) {
    throw new CliError(
      CLI_ERROR_CODES.AMBIGUOUS_ACCOUNT,
      `${matches.length} accounts are labelled "${ref}" (${matches.map((a) => a.id).join(", ")}); name one by its id.`,
    )
  }
  const labels = accounts.map((a) => a.label)
  throw new CliError(
    CLI_ERROR_CODES.ACCOUNT_NOT_FOUND,
    accounts.length === 0
      ? `No account "${ref}": the pool is empty. Add one with \`keyrelay add\`.`
      : `No account "${ref}". The accounts are: ${labels.join(", ")} (\`keyrelay list\` shows them).`,
  )
}

/** Finds several accounts, each once, in the order named. */
export function findAccounts(store: AccountStore, refs: readonly string[]): Account[] {
  const seen = new Set<string>()
  const accounts: Account[] = []
  for (const ref of refs) {
    const account = findAccount(store, ref)
    if (!seen.has(account.id)) accounts.push(account)
    seen.add(account.id)
  }
  return accounts
}
