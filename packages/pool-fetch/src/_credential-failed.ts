import type { Account } from "@keyrelay/account-store"
import { backoffDelay, cooldownKey, DEFAULT_COOLDOWN_POLICY } from "@keyrelay/rotation-strategies"
import type { PoolRuntime } from "./_pool-runtime.ts"

/** A credential that cannot be resolved keeps its account out for an escalating while; the user hears why. */
export function credentialFailed(runtime: PoolRuntime, account: Account, error: unknown): void {
  const now = runtime.now()
  const key = cooldownKey("account", { accountId: account.id })
  const previous = runtime.store.state.cooldowns[key]
  const level =
    previous !== undefined && now - previous.until < DEFAULT_COOLDOWN_POLICY.forgetAfterMs
      ? previous.level + 1
      : 1
  const until =
    now +
    backoffDelay(DEFAULT_COOLDOWN_POLICY.transport, level, runtime.random, DEFAULT_COOLDOWN_POLICY.jitter)
  const reason = error instanceof Error ? error.message : "its credential could not be resolved"
  runtime.store.recordOutcome({
    accountId: account.id,
    at: now,
    class: "auth",
    reason,
    used: false,
    cooldowns: { [key]: { until, level, class: "auth", reason, since: now } },
  })
  runtime.emit({
    type: "credential-failed",
    at: now,
    level: "error",
    accountId: account.id,
    label: account.label,
    kind: account.credential.kind,
    reason,
    message: `keyrelay: ${reason}`,
  })
}
