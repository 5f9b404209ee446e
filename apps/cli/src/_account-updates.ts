import type { Account, AccountPatch } from "@keyrelay/account-store"
import { findAccounts } from "./_account-ref.ts"
import type { Context } from "./_context.ts"
import { accountJson, JSON_SCHEMA_VERSION } from "./_json.ts"

/**
 * Applies one patch to each named account (each write locked, so a running OpenCode picks it up and loses
 * nothing), then prints what changed: a line per account, or `{ version, accounts }` with `--json`.
 */
export async function updateAccounts(
  ctx: Context,
  refs: readonly string[],
  patch: AccountPatch,
  describe: (account: Account) => string,
  after?: (account: Account) => Promise<void>,
): Promise<Account[]> {
  const store = await ctx.store()
  const updated: Account[] = []
  for (const account of findAccounts(store, refs)) {
    const next = await store.updateAccount(account.id, patch)
    await after?.(next)
    updated.push(next)
  }
  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, accounts: updated.map(accountJson) })
  else for (const account of updated) ctx.print(describe(account))
  return updated
}
