import type { Account, AccountStore } from "@keyrelay/account-store"
import { POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"

/**
 * The account with this id, as the store has it now.
 * @throws {PoolFetchError} `ERR_POOL_ACCOUNT_NOT_FOUND` (perhaps another process removed it)
 */
export function accountOf(store: AccountStore, accountId: string): Account {
  const account = store.getAccount(accountId)
  if (account === undefined)
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.ACCOUNT_NOT_FOUND,
      `There is no account ${accountId} in the pool; \`keyrelay list\` shows the accounts it has.`,
    )
  return account
}
