/*
 * The JSON Schemas (draft 2020-12) of every `--json` document. Stable: fields are only ever added within a
 * version; a change that removes or retypes a field bumps `version` (in the document) and the schema's `$id`.
 * Times are ISO 8601 UTC strings, money is integer micro-USD (`…MicroUsd`) with a rounded `…Usd` beside it.
 */

type Schema = Record<string, unknown>

const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: "null" }] })
const str: Schema = { type: "string" }
const int: Schema = { type: "integer" }
const num: Schema = { type: "number" }
const bool: Schema = { type: "boolean" }
const time: Schema = { type: "string", format: "date-time" }
const version: Schema = { const: 1 }

function object(properties: Record<string, Schema>, options: { optional?: readonly string[] } = {}): Schema {
  return {
    type: "object",
    properties,
    required: Object.keys(properties).filter((k) => !options.optional?.includes(k)),
    additionalProperties: false,
  }
}

const credential: Schema = {
  description:
    "The credential as stored: never the secret (an api-key only as its redacted hint, `sk-ant-…abcd`).",
  type: "object",
  required: ["kind"],
  properties: {
    kind: { enum: ["api-key", "env", "command", "profile", "federation"] },
    hint: str,
    variable: str,
    command: str,
    ttlSeconds: num,
    timeoutMs: int,
    profile: str,
    configDir: str,
    federationRuleId: str,
    organizationId: str,
    serviceAccountId: str,
    workspaceId: str,
    identityToken: {
      type: "object",
      required: ["source"],
      properties: { source: { enum: ["file", "command", "oauth"] } },
    },
  },
}

const accountProperties = {
  id: { type: "string", pattern: "^acc_[a-z2-7]{16}$" },
  label: str,
  kind: { enum: ["api-key", "env", "command", "profile", "federation"] },
  credential,
  baseUrl: nullable(str),
  tags: { type: "array", items: str },
  enabled: bool,
  disabledReason: nullable(str),
  pinned: bool,
  priority: num,
  monthlyBudgetUsd: nullable(num),
  organizationId: nullable(str),
  workspaceId: nullable(str),
  createdAt: time,
  updatedAt: time,
}

const account = object(accountProperties)

const cooldown = object({
  key: str,
  scope: { enum: ["account", "organization", "workspace", "model"] },
  modelClass: nullable(str),
  class: str,
  reason: str,
  until: time,
  since: time,
  level: int,
})

const bucket = nullable(object({ limit: nullable(num), remaining: nullable(num), resetAt: nullable(time) }))
const buckets = { requests: bucket, tokens: bucket, inputTokens: bucket, outputTokens: bucket }

const rateLimit = object({
  key: str,
  modelClass: nullable(str),
  observedAt: time,
  headroom: { type: "number", minimum: 0, maximum: 1 },
  ...buckets,
})

const spend = object({
  month: { type: "string", pattern: "^\\d{4}-\\d{2}$" },
  spentMicroUsd: int,
  spentUsd: num,
  budgetUsd: nullable(num),
  fractionUsed: nullable(num),
  overBudget: bool,
  unpricedRequests: int,
})

const accountView = object({
  ...accountProperties,
  status: { enum: ["ready", "limited", "cooling", "disabled"] },
  health: num,
  healthUsable: bool,
  cooldowns: { type: "array", items: cooldown },
  rateLimits: { type: "array", items: rateLimit },
  spend,
  lastUsedAt: nullable(time),
  lastOutcome: nullable(object({ class: str, status: nullable(int), reason: nullable(str), at: time })),
})

const counters = {
  requests: int,
  inputTokens: int,
  outputTokens: int,
  cacheWrite5mTokens: int,
  cacheWrite1hTokens: int,
  cacheReadTokens: int,
  webSearchRequests: int,
  costMicroUsd: int,
  unpricedRequests: int,
  costUsd: num,
}

const rule = object({
  id: { type: "string", pattern: "^rule_" },
  description: nullable(str),
  match: object({
    directories: nullable({ type: "array", items: str }),
    models: nullable({ type: "array", items: str }),
  }),
  use: object({
    accounts: { type: "array", items: object({ id: str, label: nullable(str) }) },
    tags: { type: "array", items: str },
  }),
  strategy: nullable(str),
})

const accountsDocument = object({ version, accounts: { type: "array", items: account } })
const keyValue = object({ version, key: str, value: {} })
const day = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" }

const testResult = object({
  accountId: str,
  label: str,
  ok: bool,
  status: nullable(int),
  latencyMs: nullable(int),
  organizationId: nullable(str),
  workspaceId: nullable(str),
  models: nullable(int),
  failure: nullable(object({ class: str, reason: str, requestId: nullable(str) })),
})

const budgetEntry = object({
  accountId: str,
  label: str,
  month: str,
  spentMicroUsd: int,
  spentUsd: num,
  budgetUsd: nullable(num),
  fractionUsed: nullable(num),
  overBudget: bool,
  unpricedRequests: int,
})

/** What `--json` errors look like on stderr (stdout stays empty). */
const errorDocument = object({ error: object({ code: { type: "string", pattern: "^ERR_" }, message: str }) })

/**
 * The JSON Schema of each command's `--json` output, by command name (`list`, `rules explain`, …), plus `error`
 * for what a failing command writes to stderr with `--json`. `keyrelay schema <command>` prints one.
 *
 * @example
 * ```ts
 * import { JSON_SCHEMAS } from "keyrelay"
 * JSON_SCHEMAS.list.properties.accounts // the array of accounts `keyrelay list --json` prints
 * ```
 */
export const JSON_SCHEMAS: Readonly<Record<string, Schema>> = Object.freeze(
  Object.fromEntries(
    Object.entries({
      error: errorDocument,
      add: object({ version, account }),
      list: object({ version, accounts: { type: "array", items: accountView } }),
      remove: object({ version, removed: { type: "array", items: object({ id: str, label: str }) } }),
      enable: accountsDocument,
      disable: accountsDocument,
      pin: accountsDocument,
      unpin: accountsDocument,
      test: object({ version, ok: bool, results: { type: "array", items: testResult } }),
      usage: object({
        version,
        from: day,
        to: day,
        by: { type: "array", items: { enum: ["account", "model", "project", "day"] } },
        totals: object(counters),
        groups: {
          type: "array",
          items: object(
            { account: str, accountId: str, model: str, project: str, day, ...counters },
            { optional: ["account", "accountId", "model", "project", "day"] },
          ),
        },
      }),
      limits: object({
        version,
        groups: {
          type: "array",
          items: object({
            key: str,
            organizationId: nullable(str),
            modelClass: nullable(str),
            accounts: { type: "array", items: str },
            observedAt: nullable(time),
            headroom: nullable(num),
            ...buckets,
            cooldowns: { type: "array", items: cooldown },
          }),
        },
      }),
      "rules list": object({ version, rules: { type: "array", items: rule } }),
      "rules add": object({ version, rule }),
      "rules remove": object({ version, removed: { type: "array", items: str } }),
      "rules explain": object({
        version,
        directory: str,
        model: nullable(str),
        modelClass: str,
        ruleId: nullable(str),
        strategy: str,
        picked: nullable(object({ id: str, label: nullable(str) })),
        accounts: {
          type: "array",
          items: object({
            id: str,
            label: str,
            status: { enum: ["picked", "available", "cooldown", "disabled", "over-budget", "rule-mismatch"] },
            reason: str,
            until: nullable(time),
          }),
        },
      }),
      budget: {
        oneOf: [
          object({ version, month: str, budgets: { type: "array", items: budgetEntry } }),
          object({ version, account }),
        ],
      },
      strategy: object({
        version,
        strategy: str,
        isDefault: bool,
        available: { type: "array", items: object({ name: str, description: str }) },
        ruleOverrides: { type: "array", items: object({ ruleId: str, strategy: str }) },
      }),
      "config get": { oneOf: [object({ version, config: { type: "object" } }), keyValue] },
      "config set": keyValue,
      "config unset": keyValue,
      "config path": object({
        version,
        home: str,
        files: object({ accounts: str, secrets: str, rules: str, config: str, state: str, usage: str }),
      }),
      doctor: object({
        version,
        ok: bool,
        home: str,
        checks: {
          type: "array",
          items: object({
            id: str,
            status: { enum: ["ok", "warning", "error"] },
            message: str,
            fix: nullable(str),
          }),
        },
      }),
      login: object({
        version,
        account: object({ id: str, label: str }),
        issuer: str,
        subject: nullable(str),
        refreshToken: bool,
        expiresAt: nullable(time),
      }),
      export: object({
        keyrelay: { const: "export" },
        version,
        exportedAt: time,
        withSecrets: bool,
        accounts: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "label", "credential", "tags", "enabled", "pinned", "priority"],
            properties: {
              id: str,
              label: str,
              credential,
              key: str,
              baseUrl: str,
              tags: { type: "array", items: str },
              enabled: bool,
              disabledReason: str,
              pinned: bool,
              priority: num,
              monthlyBudgetUsd: num,
            },
            additionalProperties: false,
          },
        },
        rules: { type: "array" },
        config: { type: "object" },
      }),
      import: object({
        version,
        dryRun: bool,
        accounts: {
          type: "array",
          items: object({
            label: str,
            status: { enum: ["added", "exists", "skipped", "failed"] },
            id: nullable(str),
            reason: nullable(str),
          }),
        },
        rules: object({ added: int, skipped: int }),
        config: { enum: ["updated", "unchanged", "skipped"] },
      }),
      "opencode status": object({
        version,
        pluginConfigured: bool,
        globalConfig: str,
        configSources: {
          type: "array",
          items: object({
            source: str,
            scope: { enum: ["global", "project", "env"] },
            hasPlugin: bool,
            error: nullable(str),
          }),
        },
        localPluginFiles: { type: "array", items: str },
        auth: object({
          path: str,
          overriddenByEnv: bool,
          exists: bool,
          anthropic: { enum: ["missing", "marker", "api-key", "other"] },
          error: nullable(str),
        }),
        ready: bool,
      }),
      "opencode setup": object({
        version,
        plugin: object({ status: { enum: ["present", "added", "skipped"] }, file: str }),
        auth: object({
          status: { enum: ["present", "added", "imported", "replaced", "kept", "skipped"] },
          file: str,
          backup: nullable(str),
          importedAccount: nullable(object({ id: str, label: str })),
        }),
      }),
    }).map(([name, schema]) => [
      name,
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: `keyrelay:${name.replace(" ", "-")}/1`,
        title: `keyrelay ${name} --json`,
        ...schema,
      },
    ]),
  ),
)
