import type { AccountStore, RoutingRule } from "@keyrelay/account-store"

/** A rule as `--json` prints it: account ids with their labels. */
export function ruleJson(rule: RoutingRule, store: AccountStore) {
  return {
    id: rule.id,
    description: rule.description ?? null,
    match: { directories: rule.match.directories ?? null, models: rule.match.models ?? null },
    use: {
      accounts: (rule.use.accounts ?? []).map((id) => ({ id, label: store.getAccount(id)?.label ?? null })),
      tags: rule.use.tags ?? [],
    },
    strategy: rule.strategy ?? null,
  }
}

/** `dirs ~/work/** · models claude-opus-*` */
export function matchText(rule: RoutingRule): string {
  const parts: string[] = []
  if (rule.match.directories) parts.push(`dir ${rule.match.directories.join(", ")}`)
  if (rule.match.models) parts.push(`model ${rule.match.models.join(", ")}`)
  return parts.length > 0 ? parts.join(" · ") : "every request"
}

/** `work, personal · #ci` */
export function useText(rule: RoutingRule, store: AccountStore): string {
  const parts = (rule.use.accounts ?? []).map((id) => store.getAccount(id)?.label ?? `${id} (removed)`)
  for (const tag of rule.use.tags ?? []) parts.push(`#${tag}`)
  return parts.join(", ")
}
