import type { Context } from "./_context.ts"

/** One option of a command, as `node:util` parseArgs takes it, plus what help prints. */
export interface OptionSpec {
  type: "string" | "boolean"
  short?: string
  multiple?: boolean
  /** The value's placeholder in help, e.g. `USD`. */
  value?: string
  description: string
}

/** What a command module exports by default: resolves to the exit code, or nothing for 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing succeeded (exit 0)
export type CommandHandler = (ctx: Context, args: ParsedCommand) => Promise<number | undefined | void>

/** The parsed command line of one command. */
export interface ParsedCommand {
  positionals: string[]
  values: Record<string, string | boolean | string[] | undefined>
}

/** One entry of the command table; the module is imported only when its command runs. */
export interface CommandSpec {
  /** `list`, or `rules add` for a subcommand. */
  name: string
  aliases?: readonly string[]
  summary: string
  /** The argument part of the usage line, e.g. `<account> [USD|none]`. */
  args?: string
  /** Bounds on positional arguments. */
  positionals?: { min: number; max: number }
  options?: Readonly<Record<string, OptionSpec>>
  /** Prints a documented JSON document with `--json` (see `keyrelay schema`). */
  json?: boolean
  /** Help text after the options: examples and notes. */
  details?: string
  load: () => Promise<{ default: CommandHandler }>
  /** Hidden from the command list (aliases of a group's default). */
  hidden?: boolean
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "print JSON (read commands; schema: `keyrelay schema <command>`)" },
  home: {
    type: "string",
    value: "DIR",
    description: "the keyrelay store directory (default $KEYRELAY_HOME)",
  },
  "no-color": { type: "boolean", description: "no color (also NO_COLOR=1)" },
  help: { type: "boolean", short: "h", description: "show help" },
}

const account = { positionals: { min: 1, max: 1 }, args: "<account>" } as const

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "add",
    summary: "add a credential to the pool (prompts on a terminal; secrets from stdin or a hidden prompt)",
    args: "[label]",
    positionals: { min: 0, max: 1 },
    json: true,
    options: {
      kind: { type: "string", value: "KIND", description: "api-key, env, command, profile or federation" },
      "key-stdin": { type: "boolean", description: "read the API key from stdin (also when stdin is piped)" },
      env: { type: "string", value: "VAR", description: "env: the environment variable holding the key" },
      command: { type: "string", value: "CMD", description: "command: a shell command that prints the key" },
      ttl: { type: "string", value: "SECONDS", description: "command: how long its output is cached (300)" },
      timeout: { type: "string", value: "MS", description: "command: how long it may run (10000)" },
      profile: { type: "string", value: "NAME", description: "profile: the Anthropic profile name" },
      "config-dir": { type: "string", value: "DIR", description: "profile: the Anthropic config directory" },
      "federation-rule": { type: "string", value: "ID", description: "federation: the rule id (fdrl_…)" },
      organization: { type: "string", value: "ID", description: "federation: the organization id" },
      "service-account": {
        type: "string",
        value: "ID",
        description: "federation: the service account (svac_…)",
      },
      workspace: { type: "string", value: "ID", description: "federation: the workspace id (wrkspc_…)" },
      "identity-token-file": {
        type: "string",
        value: "PATH",
        description: "federation: a file with the ID token",
      },
      "identity-token-command": {
        type: "string",
        value: "CMD",
        description: "federation: a command printing it",
      },
      "oidc-issuer": { type: "string", value: "URL", description: "federation: sign in at this OIDC issuer" },
      "oidc-client-id": { type: "string", value: "ID", description: "federation: the OIDC client id" },
      "oidc-scope": {
        type: "string",
        multiple: true,
        value: "SCOPE",
        description: "federation: an OIDC scope",
      },
      "oidc-audience": { type: "string", value: "AUD", description: "federation: the audience to ask for" },
      "base-url": { type: "string", value: "URL", description: "send this account's requests here" },
      tag: {
        type: "string",
        multiple: true,
        value: "TAG",
        description: "a tag for routing rules (repeatable)",
      },
      priority: { type: "string", value: "N", description: "higher is preferred (0)" },
      budget: { type: "string", value: "USD", description: "monthly budget in USD" },
      disabled: { type: "boolean", description: "add it disabled" },
      pin: { type: "boolean", description: "pin it: used whenever it is not cooling down" },
      test: { type: "boolean", description: "prove it with GET /v1/models after adding" },
    },
    details: [
      "Examples:",
      "  keyrelay add work                          # asks for everything on a terminal",
      "  pbpaste | keyrelay add work --kind api-key --key-stdin --tag work",
      "  keyrelay add ci --kind env --env CI_ANTHROPIC_KEY",
      '  keyrelay add vault --kind command --command "op read op://dev/anthropic/key" --ttl 600',
      "",
      "Keys are never taken from the command line, where shell history and other users can read them.",
    ].join("\n"),
    load: () => import("./commands/add.ts"),
  },
  {
    name: "list",
    aliases: ["ls"],
    summary: "the pool: status, health, cooldowns, remaining rate limit, month's spend, last use",
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/list.ts"),
  },
  {
    name: "remove",
    aliases: ["rm"],
    summary: "remove accounts for good (their secrets, state and usage)",
    args: "<account>...",
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    options: { yes: { type: "boolean", short: "y", description: "do not ask" } },
    json: true,
    load: () => import("./commands/remove.ts"),
  },
  {
    name: "enable",
    summary: "enable accounts and end their own cooldowns",
    args: "<account>...",
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    json: true,
    load: () => import("./commands/enable.ts"),
  },
  {
    name: "disable",
    summary: "disable accounts (kept, never used)",
    args: "<account>...",
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    options: { reason: { type: "string", value: "TEXT", description: "why, shown by `list`" } },
    json: true,
    load: () => import("./commands/disable.ts"),
  },
  {
    name: "pin",
    summary: "pin an account: used whenever it is not cooling down, whatever the strategy",
    ...account,
    json: true,
    load: () => import("./commands/pin.ts"),
  },
  {
    name: "unpin",
    summary: "unpin an account",
    ...account,
    json: true,
    load: () => import("./commands/unpin.ts"),
  },
  {
    name: "test",
    summary: "prove credentials with GET /v1/models (costs nothing); learns organization and workspace",
    args: "[account...]",
    positionals: { min: 0, max: Number.POSITIVE_INFINITY },
    options: {
      all: { type: "boolean", description: "disabled accounts too" },
      timeout: { type: "string", value: "MS", description: "per account (15000)" },
    },
    json: true,
    load: () => import("./commands/test.ts"),
  },
  {
    name: "usage",
    summary: "tokens and cost by account, model, project and day, with bar charts",
    positionals: { min: 0, max: 0 },
    options: {
      since: { type: "string", value: "WHEN", description: "YYYY-MM-DD, or 7d, 4w, 3m back (default 30d)" },
      until: { type: "string", value: "WHEN", description: "YYYY-MM-DD, or 1d back (default today)" },
      by: {
        type: "string",
        multiple: true,
        value: "DIM",
        description: "account, model, project, day (or a,b)",
      },
      account: { type: "string", value: "ACCOUNT", description: "only this account" },
      model: { type: "string", value: "MODEL", description: "only this model" },
      project: { type: "string", value: "DIR", description: "only this project directory" },
      metric: { type: "string", value: "WHAT", description: "what the bars show: cost, tokens, requests" },
      ascii: { type: "boolean", description: "draw bars with ASCII only" },
    },
    json: true,
    details: [
      "Examples:",
      "  keyrelay usage --since 7d",
      "  keyrelay usage --by account,model --since 2026-01-01",
    ].join("\n"),
    load: () => import("./commands/usage.ts"),
  },
  {
    name: "limits",
    summary: "the latest rate-limit state per limit group, time to reset, and cooldowns with their reasons",
    positionals: { min: 0, max: 0 },
    options: { account: { type: "string", value: "ACCOUNT", description: "only this account's groups" } },
    json: true,
    load: () => import("./commands/limits.ts"),
  },
  {
    name: "rules",
    summary: "list routing rules (first match wins)",
    hidden: true,
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/rules-list.ts"),
  },
  {
    name: "rules list",
    summary: "list routing rules (first match wins)",
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/rules-list.ts"),
  },
  {
    name: "rules add",
    summary: "add a routing rule: requests from these directories / for these models use these accounts",
    positionals: { min: 0, max: 0 },
    options: {
      dir: {
        type: "string",
        multiple: true,
        value: "GLOB",
        description: "project directory glob (repeatable)",
      },
      model: { type: "string", multiple: true, value: "GLOB", description: "model id glob (repeatable)" },
      account: {
        type: "string",
        multiple: true,
        value: "ACCOUNT",
        description: "use this account (repeatable)",
      },
      tag: {
        type: "string",
        multiple: true,
        value: "TAG",
        description: "use accounts with this tag (repeatable)",
      },
      strategy: { type: "string", value: "NAME", description: "the strategy within this rule" },
      description: { type: "string", value: "TEXT", description: "a note shown by `rules list`" },
      first: { type: "boolean", description: "put it before the other rules" },
    },
    json: true,
    details: [
      "Examples:",
      '  keyrelay rules add --dir "~/work/**" --tag work',
      '  keyrelay rules add --model "claude-opus-*" --account personal --first',
    ].join("\n"),
    load: () => import("./commands/rules-add.ts"),
  },
  {
    name: "rules remove",
    aliases: ["rules rm"],
    summary: "remove routing rules by id",
    args: "<rule-id>...",
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    json: true,
    load: () => import("./commands/rules-remove.ts"),
  },
  {
    name: "rules explain",
    summary: "which account would serve a request from this directory for this model, and why",
    args: "[dir] [model]",
    positionals: { min: 0, max: 2 },
    json: true,
    load: () => import("./commands/rules-explain.ts"),
  },
  {
    name: "budget",
    summary: "show monthly budgets and spend, or set one: budget <account> <USD|none>",
    args: "[account] [USD|none]",
    positionals: { min: 0, max: 2 },
    json: true,
    load: () => import("./commands/budget.ts"),
  },
  {
    name: "strategy",
    summary: "show or set how an account is picked",
    args: "[name]",
    positionals: { min: 0, max: 1 },
    json: true,
    load: () => import("./commands/strategy.ts"),
  },
  {
    name: "config",
    summary: "show every setting",
    hidden: true,
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/config-get.ts"),
  },
  {
    name: "config get",
    summary: "show settings (all, or one key such as toasts.enabled)",
    args: "[key]",
    positionals: { min: 0, max: 1 },
    json: true,
    load: () => import("./commands/config-get.ts"),
  },
  {
    name: "config set",
    summary: "change a setting (the value is JSON, or a plain string)",
    args: "<key> <value>",
    positionals: { min: 2, max: 2 },
    json: true,
    load: () => import("./commands/config-set.ts"),
  },
  {
    name: "config unset",
    summary: "return a setting to its default",
    args: "<key>",
    positionals: { min: 1, max: 1 },
    json: true,
    load: () => import("./commands/config-set.ts"),
  },
  {
    name: "config path",
    summary: "where the store and its files are",
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/config-path.ts"),
  },
  {
    name: "doctor",
    summary:
      "check files, permissions, the lock, OpenCode's setup and every credential; says how to fix each",
    positionals: { min: 0, max: 0 },
    options: {
      offline: { type: "boolean", description: "skip the credential checks (no network)" },
      timeout: { type: "string", value: "MS", description: "per credential check (15000)" },
    },
    json: true,
    load: () => import("./commands/doctor.ts"),
  },
  {
    name: "login",
    summary: "sign in to your identity provider for a federation account (OIDC, PKCE)",
    ...account,
    options: {
      device: { type: "boolean", description: "use the device grant (for SSH sessions)" },
      "no-browser": { type: "boolean", description: "print the address instead of opening a browser" },
    },
    json: true,
    load: () => import("./commands/login.ts"),
  },
  {
    name: "export",
    summary: "write accounts, rules and settings as JSON (no secrets unless --with-secrets)",
    positionals: { min: 0, max: 0 },
    options: {
      "with-secrets": { type: "boolean", description: "include API keys (needs --output)" },
      output: {
        type: "string",
        short: "o",
        value: "FILE",
        description: "write here (0600) instead of stdout",
      },
    },
    load: () => import("./commands/export.ts"),
  },
  {
    name: "import",
    summary: "add accounts, rules and settings from an export (`-` reads stdin)",
    args: "<file|->",
    positionals: { min: 1, max: 1 },
    options: {
      "dry-run": { type: "boolean", description: "say what would change, change nothing" },
      "no-config": { type: "boolean", description: "leave settings as they are" },
    },
    json: true,
    load: () => import("./commands/import.ts"),
  },
  {
    name: "opencode",
    summary: "whether OpenCode is set up to use keyrelay",
    hidden: true,
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/opencode-status.ts"),
  },
  {
    name: "opencode status",
    summary: "whether OpenCode is set up to use keyrelay",
    positionals: { min: 0, max: 0 },
    json: true,
    load: () => import("./commands/opencode-status.ts"),
  },
  {
    name: "opencode setup",
    summary: "add the plugin to OpenCode's config and keyrelay's marker to its auth.json",
    positionals: { min: 0, max: 0 },
    options: {
      yes: { type: "boolean", short: "y", description: "do not ask" },
      "import-key": { type: "boolean", description: "move an existing OpenCode Anthropic key into the pool" },
      label: { type: "string", value: "LABEL", description: "the label for an imported key (opencode)" },
    },
    json: true,
    load: () => import("./commands/opencode-setup.ts"),
  },
  {
    name: "schema",
    summary: "print the JSON Schema of a command's --json output",
    args: "[command]",
    positionals: { min: 0, max: 2 },
    load: () => import("./commands/schema.ts"),
  },
  {
    name: "help",
    summary: "show help for a command",
    args: "[command]",
    positionals: { min: 0, max: 2 },
    load: () => import("./commands/help.ts"),
  },
  {
    name: "version",
    summary: "print the version",
    positionals: { min: 0, max: 0 },
    load: () => import("./commands/version.ts"),
  },
]

/** Finds the command a command line names: the longest match of its first one or two words. */
export function findCommand(words: readonly string[]): { spec: CommandSpec; used: number } | undefined {
  const two = words.length >= 2 ? `${words[0]} ${words[1]}` : undefined
  const match = (name: string) => COMMANDS.find((c) => c.name === name || c.aliases?.includes(name))
  if (two) {
    const spec = match(two)
    if (spec) return { spec, used: 2 }
  }
  const first = words[0]
  if (first === undefined) return undefined
  const spec = match(first)
  return spec ? { spec, used: 1 } : undefined
}
