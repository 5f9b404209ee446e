import type { AccountCooldownStatus, AccountLimitStatus, AccountStatus } from "@keyrelay/pool-fetch"
import { findAccount } from "../_account-ref.ts"
import type { CommandHandler } from "../_commands.ts"
import { formatAgo, formatCount, formatIn, groupThousands, isoOrNull } from "../_format.ts"
import { cooldownJson, JSON_SCHEMA_VERSION, round, snapshotBuckets } from "../_json.ts"
import { renderTable } from "../_table.ts"

interface GroupEntry {
  key: string
  organizationId: string | undefined
  modelClass: string | undefined
  accounts: string[]
  limit: AccountLimitStatus | undefined
  cooldowns: AccountCooldownStatus[]
}

/** Limit groups (organization × model class) with the accounts that draw on them, newest snapshot each. */
function groupsOf(views: readonly AccountStatus[]): GroupEntry[] {
  const groups = new Map<string, GroupEntry>()
  const entry = ({ key, organizationId, modelClass }: AccountLimitStatus | AccountCooldownStatus) => {
    let group = groups.get(key)
    if (!group) {
      group = { key, organizationId, modelClass, accounts: [], limit: undefined, cooldowns: [] }
      groups.set(key, group)
    }
    return group
  }
  for (const view of views) {
    for (const limit of view.limits) {
      const group = entry(limit)
      group.limit = limit
      if (!group.accounts.includes(view.account.label)) group.accounts.push(view.account.label)
    }
    for (const cooldown of view.cooldowns) {
      const group = entry(cooldown)
      if (!group.cooldowns.some((c) => c.key === cooldown.key)) group.cooldowns.push(cooldown)
      if (!group.accounts.includes(view.account.label)) group.accounts.push(view.account.label)
    }
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key))
}

function bucketText(
  limit: AccountLimitStatus,
  name: "requests" | "inputTokens" | "outputTokens" | "tokens",
  now: number,
): string {
  const bucket = limit.snapshot[name]
  if (!bucket || bucket.limit == null || bucket.remaining == null) return "—"
  const refilled = bucket.resetAt != null && bucket.resetAt <= now
  const remaining = refilled ? bucket.limit : bucket.remaining
  const reset =
    !refilled && bucket.resetAt != null && remaining < bucket.limit
      ? ` (full ${formatIn(bucket.resetAt, now)})`
      : ""
  const count = name === "requests" ? (n: number) => groupThousands(n) : formatCount
  return `${count(remaining)}/${count(bucket.limit)}${reset}`
}

const limits: CommandHandler = async (ctx, { values }) => {
  const store = await ctx.store()
  const now = ctx.now()
  const { accountStatuses } = await import("@keyrelay/pool-fetch/account-status")
  let views = accountStatuses({ store, now: () => now })
  if (typeof values.account === "string") {
    const only = findAccount(store, values.account)
    views = views.filter((v) => v.account.id === only.id)
  }
  const groups = groupsOf(views)

  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      groups: groups.map((g) => ({
        key: g.key,
        organizationId: g.organizationId ?? null,
        modelClass: g.modelClass ?? null,
        accounts: g.accounts,
        observedAt: isoOrNull(g.limit?.snapshot.observedAt),
        headroom: g.limit ? round(g.limit.headroom, 4) : null,
        ...(g.limit
          ? snapshotBuckets(g.limit.snapshot)
          : { requests: null, tokens: null, inputTokens: null, outputTokens: null }),
        cooldowns: g.cooldowns.map(cooldownJson),
      })),
    })
    return 0
  }

  if (groups.length === 0) {
    ctx.print("No rate-limit state yet: it is learned from the API's headers as requests are made.")
    return 0
  }
  const { style } = ctx
  const withLimits = groups.filter((g) => g.limit)
  if (withLimits.length > 0) {
    ctx.print(
      ...renderTable(
        [
          { header: "LIMIT GROUP", shrink: true, min: 10 },
          { header: "ACCOUNTS", shrink: true, min: 8 },
          { header: "REQUESTS", align: "right" },
          { header: "INPUT TOKENS", align: "right" },
          { header: "OUTPUT TOKENS", align: "right" },
          { header: "SEEN" },
        ],
        withLimits.map((g) => [
          g.organizationId
            ? `${g.organizationId} · ${g.modelClass ?? "all"}`
            : `${g.accounts[0] ?? g.key} · ${g.modelClass ?? "all"}`,
          g.accounts.join(", "),
          bucketText(g.limit!, "requests", now),
          bucketText(g.limit!, "inputTokens", now),
          bucketText(g.limit!, "outputTokens", now),
          formatAgo(g.limit!.snapshot.observedAt, now),
        ]),
        { width: ctx.width, header: style.dim },
      ),
    )
  }
  const cooling = groups.flatMap((g) => g.cooldowns.map((c) => ({ group: g, cooldown: c })))
  if (cooling.length > 0) {
    ctx.print("", style.bold("Cooling down"))
    for (const { group, cooldown } of cooling) {
      ctx.print(
        `  ${style.yellow(cooldown.class)} ${group.accounts.join(", ")}${cooldown.modelClass ? ` (${cooldown.modelClass})` : ` (${cooldown.scope})`}: ` +
          `until ${new Date(cooldown.until).toISOString()}, ${formatIn(cooldown.until, now)} — ${cooldown.reason}`,
      )
    }
  }
  return 0
}

export default limits
