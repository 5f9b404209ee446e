/**
 * Which cooldown scope a failure is charged to:
 * - `group`: organization × model class (rate limits);
 * - `organization`: the whole organization (credit, billing, spend limit, spend cap);
 * - `workspace`: one workspace (a workspace spend limit you set);
 * - `account-model`: one account for one model class (403 permission);
 * - `account`: one account (auth, transport trouble).
 *
 * @see docs/architecture.md "Scopes of a cooldown"
 */
export type CooldownScope = "group" | "organization" | "workspace" | "account-model" | "account"

/** What a cooldown key is built from: the account, what is known of its organization, and the model class. */
export interface CooldownTarget {
  /** The account id (`acc_…`). */
  readonly accountId: string
  /** From `anthropic-organization-id`, once learned. */
  readonly organizationId?: string | undefined
  /** From `anthropic-workspace-id`, once learned. */
  readonly workspaceId?: string | undefined
  /** The model class of the request ({@link modelClassOf}); needed by `group` and `account-model`. */
  readonly modelClass?: string | undefined
}

/**
 * The key of a cooldown, the only string other packages store it under (they treat it as opaque):
 * `org:<orgId>|<class>`, `org:<orgId>`, `ws:<workspaceId>`, `acct:<accountId>|<class>`, `acct:<accountId>`.
 * Until an account's organization (or workspace) is known it is its own group: the `org:`/`ws:` part becomes
 * `acct:<accountId>`. A model scope without a model class falls back to the wider key.
 *
 * @see docs/architecture.md "Scopes of a cooldown"
 * @example
 * cooldownKey("group", { accountId: "acc_1", organizationId: "org-a", modelClass: "opus-4.x" }) // "org:org-a|opus-4.x"
 */
export function cooldownKey(scope: CooldownScope, target: CooldownTarget): string {
  const { accountId, organizationId, workspaceId, modelClass } = target
  const account = `acct:${accountId}`
  const org = organizationId ? `org:${organizationId}` : account
  switch (scope) {
    case "group":
      return modelClass ? `${org}|${modelClass}` : org
    case "organization":
      return org
    case "workspace":
      return workspaceId ? `ws:${workspaceId}` : account
    case "account-model":
      return modelClass ? `${account}|${modelClass}` : account
    default:
      return account
  }
}

/** The cooldown key of the limit group an account draws on for a model class (`group` scope). */
export function groupKey(
  account: { readonly id: string; readonly organizationId?: string | undefined },
  modelClass: string,
): string {
  return cooldownKey("group", { accountId: account.id, organizationId: account.organizationId, modelClass })
}

/**
 * Every cooldown key that can keep `account` from serving a request of `modelClass`: clear them all after a
 * success (the failure they recorded is over, and escalation starts again from the first step).
 *
 * @example
 * candidateCooldownKeys({ id: "acc_1", organizationId: "org-a" }, "opus-4.x")
 * // ["acct:acc_1", "acct:acc_1|opus-4.x", "org:org-a", "org:org-a|opus-4.x"]
 */
export function candidateCooldownKeys(
  account: {
    readonly id: string
    readonly organizationId?: string | undefined
    readonly workspaceId?: string | undefined
  },
  modelClass: string,
): string[] {
  const keys = [`acct:${account.id}`, `acct:${account.id}|${modelClass}`]
  if (account.organizationId)
    keys.push(`org:${account.organizationId}`, `org:${account.organizationId}|${modelClass}`)
  if (account.workspaceId) keys.push(`ws:${account.workspaceId}`)
  return keys
}

/** A cooldown key split into its parts. Internal. */
export interface ParsedCooldownKey {
  readonly kind: "acct" | "org" | "ws"
  readonly id: string
  readonly modelClass: string | undefined
}

/** Splits a key made by {@link cooldownKey}; `undefined` for anything else (unknown keys are ignored). */
export function parseCooldownKey(key: string): ParsedCooldownKey | undefined {
  const colon = key.indexOf(":")
  if (colon < 0) return undefined
  const kind = key.slice(0, colon)
  if (kind !== "acct" && kind !== "org" && kind !== "ws") return undefined
  const bar = key.indexOf("|", colon + 1)
  const id = bar < 0 ? key.slice(colon + 1) : key.slice(colon + 1, bar)
  if (id === "") return undefined
  return { kind, id, modelClass: bar < 0 ? undefined : key.slice(bar + 1) }
}

/**
 * The two keys {@link parseCooldownKey} reads as `kind` and `id`: the one for every model class and the one for
 * `modelClass`; `undefined` when no key can name that id (an empty id, or one holding `|`). Internal.
 */
export function cooldownKeysOf(
  kind: ParsedCooldownKey["kind"],
  id: string,
  modelClass: string,
): readonly [string, string] | undefined {
  if (id === "" || id.includes("|")) return undefined
  const key = `${kind}:${id}`
  return [key, `${key}|${modelClass}`]
}
