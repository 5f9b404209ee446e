import type { CredentialInput, NewAccountInput } from "@keyrelay/account-store"
import type { CommandHandler, ParsedCommand } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { accountJson, JSON_SCHEMA_VERSION } from "../_json.ts"
import { parseBaseUrl, parseInteger, parseNonNegative } from "../_parse-values.ts"
import { askChoice, askConfirm, askText } from "../_prompt.ts"
import { readApiKey } from "../_secret-input.ts"
import { CLI_ERROR_CODES, CliError, usageError } from "../cli-error.ts"

const KINDS = ["api-key", "env", "command", "profile", "federation"] as const
type Kind = (typeof KINDS)[number]

const FEDERATION_FLAGS = [
  "federation-rule",
  "organization",
  "service-account",
  "workspace",
  "identity-token-file",
  "identity-token-command",
  "oidc-issuer",
  "oidc-client-id",
] as const

type Values = ParsedCommand["values"]
const str = (values: Values, name: string): string | undefined => {
  const value = values[name]
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined
}

/** The kind the flags imply, when `--kind` is absent. */
function impliedKind(values: Values): Kind | undefined {
  if (str(values, "env")) return "env"
  if (str(values, "command")) return "command"
  if (str(values, "profile")) return "profile"
  if (FEDERATION_FLAGS.some((flag) => str(values, flag))) return "federation"
  if (values["key-stdin"] === true) return "api-key"
  return undefined
}

/** Asks when a terminal is there; otherwise fails naming the flag that answers. */
async function need(
  ctx: Context,
  value: string | undefined,
  flag: string,
  question: string,
  options: { validate?: (v: string) => string | undefined; placeholder?: string; defaultValue?: string } = {},
): Promise<string> {
  if (value !== undefined) {
    const problem = options.validate?.(value)
    if (problem) throw usageError(`--${flag}: ${problem}`)
    return value
  }
  if (!ctx.interactive) {
    if (options.defaultValue !== undefined) return options.defaultValue
    throw usageError(`Missing --${flag} (${question.replace(/\?$/, "").toLowerCase()}).`)
  }
  return askText(ctx, question, {
    ...options,
    validate: (v) => (v === "" && options.defaultValue === undefined ? "Required." : options.validate?.(v)),
  }).then((answer) => answer || options.defaultValue || "")
}

async function optional(ctx: Context, value: string | undefined, question: string, placeholder?: string) {
  if (value !== undefined || !ctx.interactive) return value
  const answer = await askText(ctx, question, placeholder ? { placeholder } : {})
  return answer === "" ? undefined : answer
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const checkEnvName = (v: string) => (ENV_NAME.test(v) ? undefined : "a variable name: letters, digits and _")
const checkRule = (v: string) => (/^fdrl_\w+$/.test(v) ? undefined : "a federation rule id starts with fdrl_")
const checkServiceAccount = (v: string) =>
  /^svac_\w+$/.test(v) ? undefined : "a service account id starts with svac_"

async function credentialFor(
  ctx: Context,
  kind: Kind,
  values: Values,
  label: string,
): Promise<CredentialInput> {
  switch (kind) {
    case "api-key":
      return { kind, key: await readApiKey(ctx, label) }
    case "env":
      return {
        kind,
        variable: await need(ctx, str(values, "env"), "env", "Environment variable holding the key?", {
          validate: checkEnvName,
          placeholder: "ANTHROPIC_API_KEY",
        }),
      }
    case "command": {
      const command = await need(ctx, str(values, "command"), "command", "Command that prints the key?", {
        placeholder: "op read op://dev/anthropic/credential",
      })
      const ttl = parseNonNegative(str(values, "ttl") ?? "300", "--ttl")
      const timeout = parseInteger(str(values, "timeout") ?? "10000", "--timeout", 1)
      return { kind, command, ttlSeconds: ttl, timeoutMs: timeout }
    }
    case "profile": {
      const profile = await need(ctx, str(values, "profile"), "profile", "Anthropic profile name?", {
        defaultValue: "default",
      })
      const configDir = str(values, "config-dir")
      return { kind, profile, ...(configDir ? { configDir } : {}) }
    }
    case "federation":
      return federationCredential(ctx, values)
  }
}

async function federationCredential(ctx: Context, values: Values): Promise<CredentialInput> {
  const federationRuleId = await need(
    ctx,
    str(values, "federation-rule"),
    "federation-rule",
    "Federation rule id?",
    {
      validate: checkRule,
      placeholder: "fdrl_…",
    },
  )
  const organizationId = await need(ctx, str(values, "organization"), "organization", "Organization id?")
  const serviceAccountId = await need(
    ctx,
    str(values, "service-account"),
    "service-account",
    "Service account id?",
    {
      validate: checkServiceAccount,
      placeholder: "svac_…",
    },
  )
  const workspaceId = await optional(
    ctx,
    str(values, "workspace"),
    "Workspace id (Enter for none)?",
    "wrkspc_…",
  )
  let source: "file" | "command" | "oauth" | undefined = str(values, "identity-token-file")
    ? "file"
    : str(values, "identity-token-command")
      ? "command"
      : str(values, "oidc-issuer") || str(values, "oidc-client-id")
        ? "oauth"
        : undefined
  if (!source) {
    if (!ctx.interactive) {
      throw usageError(
        "A federation account needs an identity token source: --identity-token-file, --identity-token-command, or --oidc-issuer with --oidc-client-id.",
      )
    }
    source = await askChoice<"file" | "command" | "oauth">(ctx, "Where does the identity token come from?", [
      { value: "file", label: "a file", hint: "a projected token, rotated by the platform" },
      { value: "command", label: "a command", hint: "prints a fresh ID token" },
      { value: "oauth", label: "sign in", hint: "your identity provider, with `keyrelay login`" },
    ])
  }
  const base = {
    kind: "federation" as const,
    federationRuleId,
    organizationId,
    serviceAccountId,
    ...(workspaceId ? { workspaceId } : {}),
  }
  if (source === "file") {
    const path = await need(
      ctx,
      str(values, "identity-token-file"),
      "identity-token-file",
      "Path of the ID token file?",
    )
    return { ...base, identityToken: { source, path } }
  }
  if (source === "command") {
    const command = await need(
      ctx,
      str(values, "identity-token-command"),
      "identity-token-command",
      "Command that prints the ID token?",
    )
    return { ...base, identityToken: { source, command } }
  }
  const issuer = await need(ctx, str(values, "oidc-issuer"), "oidc-issuer", "OIDC issuer URL?", {
    validate: (v) =>
      /^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])/.test(v) ? undefined : "an https URL",
  })
  const clientId = await need(ctx, str(values, "oidc-client-id"), "oidc-client-id", "OIDC client id?")
  const scopes = (values["oidc-scope"] as string[] | undefined) ?? [
    ...(await import("@keyrelay/pool-fetch")).DEFAULT_FEDERATION_SCOPES,
  ]
  const audience = str(values, "oidc-audience")
  return { ...base, identityToken: { source, issuer, clientId, scopes, ...(audience ? { audience } : {}) } }
}

const add: CommandHandler = async (ctx, { positionals, values }) => {
  const store = await ctx.store()
  const labels = new Set(store.listAccounts().map((a) => a.label.toLowerCase()))
  const checkLabel = (v: string) =>
    labels.has(v.toLowerCase()) ? `an account is already labelled "${v}"` : undefined
  const given = positionals[0]?.trim()
  if (given !== undefined && checkLabel(given)) {
    throw new CliError(
      CLI_ERROR_CODES.DUPLICATE_LABEL,
      `An account is already labelled "${given}"; pick another label.`,
    )
  }
  const label =
    given || (await need(ctx, undefined, "label", "Label for this account?", { validate: checkLabel }))

  let kind = str(values, "kind") as Kind | undefined
  if (kind !== undefined && !KINDS.includes(kind)) {
    throw usageError(`--kind must be one of ${KINDS.join(", ")}.`)
  }
  kind ??= impliedKind(values)
  if (kind === undefined) {
    if (ctx.interactive) {
      kind = await askChoice<Kind>(ctx, "What kind of credential?", [
        { value: "api-key", label: "API key", hint: "sk-ant-api…, asked for hidden" },
        { value: "env", label: "environment variable", hint: "read when used" },
        { value: "command", label: "command", hint: "1Password, pass, a vault CLI" },
        { value: "profile", label: "Anthropic profile", hint: "~/.config/anthropic" },
        { value: "federation", label: "workload identity federation", hint: "short-lived tokens" },
      ])
    } else if (ctx.stdin.isTTY !== true) {
      kind = "api-key"
    } else {
      throw usageError(`Missing --kind (${KINDS.join(", ")}).`)
    }
  }

  // Flags are checked before anything is asked, so a typo never costs a pasted key.
  const baseUrlText = str(values, "base-url")
  const baseUrl = baseUrlText ? await parseBaseUrl(baseUrlText) : undefined
  const budgetText = str(values, "budget")
  const budget = budgetText === undefined ? undefined : parseNonNegative(budgetText, "--budget")
  const priorityText = str(values, "priority")
  const priority = priorityText === undefined ? undefined : parseInteger(priorityText, "--priority")

  const credential = await credentialFor(ctx, kind, values, label)
  const tagsGiven = values.tag as string[] | undefined
  const tags =
    tagsGiven ??
    (ctx.interactive && !str(values, "kind")
      ? (await askText(ctx, "Tags for routing rules (comma-separated, Enter for none)?"))
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [])
  const input: NewAccountInput = {
    label,
    credential,
    tags: [
      ...new Set(
        tags
          .flatMap((t) => t.split(","))
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ],
    ...(baseUrl ? { baseUrl } : {}),
    ...(budget !== undefined ? { monthlyBudgetUsd: budget } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(values.disabled === true ? { enabled: false, disabledReason: "added disabled" } : {}),
    ...(values.pin === true ? { pinned: true } : {}),
  }
  const account = await store.addAccount(input)

  let test = values.test === true
  if (!test && ctx.interactive && !ctx.flags.json && account.enabled && kind !== "federation") {
    test = await askConfirm(ctx, "Test it now with GET /v1/models (costs nothing)?", true)
  }
  let tested: { ok: boolean } | undefined
  if (test) {
    const { testAccounts } = await import("./test.ts")
    const results = await testAccounts(ctx, [account], { quiet: ctx.flags.json })
    tested = results[0]
  }

  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      account: accountJson(store.getAccount(account.id) ?? account),
    })
  } else {
    const what =
      account.credential.kind === "api-key" ? `api-key ${account.credential.hint}` : account.credential.kind
    ctx.print(`Added ${account.label} (${what}) as ${account.id}.`)
    if (account.credential.kind === "federation" && account.credential.identityToken.source === "oauth") {
      ctx.print(
        `Next: \`keyrelay login ${account.label}\` signs in to ${account.credential.identityToken.issuer}.`,
      )
    } else if (!test) {
      ctx.print(`Next: \`keyrelay test ${account.label}\` proves it (GET /v1/models, costs nothing).`)
    }
  }
  return tested && !tested.ok ? 1 : 0
}
export default add
