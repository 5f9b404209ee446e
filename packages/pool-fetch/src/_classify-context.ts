import type { Account } from "@keyrelay/account-store"
import type { PoolRuntime } from "./_pool-runtime.ts"

/** What every classifier needs about the account and the request, from the pool's current state. */
export function classifyContext(runtime: PoolRuntime, account: Account, modelClass: string) {
  const org = runtime.organizationOf(account)
  return {
    now: runtime.now(),
    random: runtime.random,
    account: { id: account.id, organizationId: org.organizationId, workspaceId: org.workspaceId },
    modelClass,
    cooldowns: runtime.store.state.cooldowns,
    // The last outcome tells rotation-strategies at once that a success came after a transport fault (the
    // fault's zero-length cooldown record is cleared only by a later, background write).
    lastOutcome: runtime.store.state.accounts[account.id]?.lastOutcome,
  }
}
