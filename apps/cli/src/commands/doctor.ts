import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import type { AccountStore, StoreProblem } from "@keyrelay/account-store"
import type { CommandHandler } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { openCodeStatus } from "../_opencode.ts"
import { parseInteger } from "../_parse-values.ts"
import { isStrategyName } from "../_strategies.ts"

/** One check of `doctor`: ok, or a finding with the command that fixes it. */
interface Check {
  id: string
  status: "ok" | "warning" | "error"
  message: string
  fix?: string
}

const STORE_FILES = ["accounts.json", "secrets.json", "rules.json", "config.json", "state.json", "usage.json"]
const SECRET_FILES = new Set(["secrets.json"])

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return undefined
  }
}

function permissionChecks(home: string): Check[] {
  if (process.platform === "win32") return []
  const checks: Check[] = []
  const dirMode = modeOf(home)
  if (dirMode !== undefined && (dirMode & 0o077) !== 0) {
    checks.push({
      id: "permissions.home",
      status: "error",
      message: `${home} is mode ${dirMode.toString(8)}: other users can look inside`,
      fix: `chmod 700 ${home}`,
    })
  }
  const loose: string[] = []
  for (const name of STORE_FILES) {
    const mode = modeOf(join(home, name))
    if (mode !== undefined && (mode & 0o077) !== 0) loose.push(name)
  }
  if (loose.length > 0) {
    const secret = loose.some((n) => SECRET_FILES.has(n))
    checks.push({
      id: "permissions.files",
      status: secret ? "error" : "warning",
      message: `${loose.join(", ")} can be read by other users`,
      fix: `chmod 600 ${loose.map((n) => join(home, n)).join(" ")}`,
    })
  }
  if (checks.length === 0)
    checks.push({ id: "permissions", status: "ok", message: `${home} and its files are private (0700/0600)` })
  return checks
}

function problemCheck(problem: StoreProblem): Check {
  const fixes: Record<string, string> = {
    ERR_STORE_FILE_CORRUPT: problem.movedTo
      ? `inspect ${problem.movedTo}; restore from an export with \`keyrelay import <file>\`, or re-add what is missing`
      : "restore from an export with `keyrelay import <file>`",
    ERR_STORE_FILE_TOO_NEW: "upgrade keyrelay: `npm install -g keyrelay@latest`",
    ERR_STORE_MIGRATION_FAILED: "upgrade keyrelay, or report the file's version",
    ERR_STORE_INSECURE_PERMISSIONS: `chmod 600 ${problem.file}`,
    ERR_STORE_KEYCHAIN_UNAVAILABLE:
      "start a Secret Service (gnome-keyring, KWallet), or `keyrelay config set keychain false`",
  }
  return {
    id: `files.${problem.code}`,
    status: problem.code === "ERR_STORE_KEYCHAIN_UNAVAILABLE" ? "warning" : "error",
    message: problem.message,
    fix: fixes[problem.code] ?? "`keyrelay doctor` again after fixing the file",
  }
}

function leftoverChecks(home: string): Check[] {
  let names: string[] = []
  try {
    names = readdirSync(home)
  } catch {}
  const aside = names.filter((n) => /\.corrupt-/.test(n))
  if (aside.length === 0) return []
  return [
    {
      id: "files.aside",
      status: "warning",
      message: `${aside.length} damaged file(s) were moved aside earlier: ${aside.join(", ")}`,
      fix: `once nothing in them is needed: rm ${aside.map((n) => join(home, n)).join(" ")}`,
    },
  ]
}

async function lockCheck(store: AccountStore): Promise<Check> {
  const started = Date.now()
  try {
    await store.withLock(() => undefined)
    return { id: "lock", status: "ok", message: `the store's lock can be taken (${Date.now() - started} ms)` }
  } catch (error) {
    return {
      id: "lock",
      status: "error",
      message: (error as Error).message,
      fix: "if the process named holds it and is hung, stop it; otherwise wait and run `keyrelay doctor` again",
    }
  }
}

async function accountChecks(ctx: Context, store: AccountStore): Promise<Check[]> {
  const checks: Check[] = []
  const accounts = store.listAccounts()
  if (accounts.length === 0) {
    return [
      { id: "accounts.empty", status: "error", message: "the pool has no accounts", fix: "keyrelay add" },
    ]
  }
  const enabled = accounts.filter((a) => a.enabled)
  if (enabled.length === 0) {
    checks.push({
      id: "accounts.none-enabled",
      status: "error",
      message: "every account is disabled: requests have nothing to use",
      fix: `keyrelay enable ${accounts[0]!.label}`,
    })
  } else {
    checks.push({
      id: "accounts",
      status: "ok",
      message: `${enabled.length} of ${accounts.length} accounts enabled`,
    })
  }
  for (const account of accounts) {
    // A disabled account is the user's choice unless the pool disabled it after a failure (its last outcome says so).
    const last = store.state.accounts[account.id]?.lastOutcome
    if (!account.enabled && last !== undefined && last.class !== "ok") {
      checks.push({
        id: `accounts.disabled.${account.id}`,
        status: "warning",
        message: `${account.label} is disabled (${account.disabledReason ?? "no reason given"}); its last answer was ${last.class}${last.status ? ` ${last.status}` : ""}`,
        fix: `keyrelay test ${account.label}, then keyrelay enable ${account.label}`,
      })
    }
    if (account.credential.kind === "api-key") {
      try {
        await store.getSecret(account.id)
      } catch (error) {
        checks.push({
          id: `accounts.secret.${account.id}`,
          status: "error",
          message: `${account.label}: ${(error as Error).message}`,
          fix: `keyrelay remove ${account.label} --yes && keyrelay add ${account.label}`,
        })
      }
    }
    if (account.credential.kind === "env" && account.enabled && !ctx.env[account.credential.variable]) {
      checks.push({
        id: `accounts.env.${account.id}`,
        status: "warning",
        message: `${account.label} reads $${account.credential.variable}, which is not set here (it must be set where OpenCode runs)`,
        fix: `export ${account.credential.variable}=… in the shell profile that starts OpenCode`,
      })
    }
  }
  return checks
}

function configChecks(store: AccountStore): Check[] {
  const checks: Check[] = []
  const strategy = store.config.strategy
  if (strategy !== undefined && !isStrategyName(strategy)) {
    checks.push({
      id: "config.strategy",
      status: "error",
      message: `unknown strategy "${strategy}"`,
      fix: "keyrelay strategy sticky",
    })
  }
  const ids = new Set(store.listAccounts().map((a) => a.id))
  const tags = new Set(store.listAccounts().flatMap((a) => a.tags))
  for (const rule of store.listRules()) {
    const missing = (rule.use.accounts ?? []).filter((id) => !ids.has(id))
    const noTag = (rule.use.tags ?? []).filter((t) => !tags.has(t))
    const usable =
      (rule.use.accounts ?? []).length - missing.length + (rule.use.tags ?? []).length - noTag.length
    if (usable === 0) {
      checks.push({
        id: `rules.empty.${rule.id}`,
        status: "error",
        message: `rule ${rule.id} names no existing account or tag: requests it matches have nothing to use`,
        fix: `keyrelay rules remove ${rule.id}`,
      })
    } else if (missing.length > 0 || noTag.length > 0) {
      checks.push({
        id: `rules.stale.${rule.id}`,
        status: "warning",
        message: `rule ${rule.id} names ${[...missing.map((m) => `removed account ${m}`), ...noTag.map((t) => `tag "${t}" no account has`)].join(", ")}`,
        fix: `keyrelay rules remove ${rule.id}, then add it again with \`keyrelay rules add\``,
      })
    }
  }
  return checks
}

async function openCodeChecks(ctx: Context): Promise<Check[]> {
  const status = await openCodeStatus(ctx.env, ctx.cwd)
  const checks: Check[] = []
  for (const source of status.sources.filter((s) => s.unreadable)) {
    checks.push({
      id: "opencode.config-unreadable",
      status: "error",
      message: `${source.source} does not parse (${source.unreadable})`,
      fix: `fix the JSON in ${source.source}`,
    })
  }
  checks.push(
    status.pluginConfigured
      ? {
          id: "opencode.plugin",
          status: "ok",
          message: "OpenCode's config loads the opencode-keyrelay plugin",
        }
      : {
          id: "opencode.plugin",
          status: "error",
          message: `OpenCode's config does not list "opencode-keyrelay" (${status.globalConfig})`,
          fix: "keyrelay opencode setup",
        },
  )
  const auth = status.auth
  const where = auth.overriddenByEnv ? "$OPENCODE_AUTH_CONTENT" : auth.path
  if (auth.unreadable) {
    checks.push({
      id: "opencode.auth",
      status: "error",
      message: `${where} does not parse (${auth.unreadable})`,
      fix: `fix or move ${where}, then keyrelay opencode setup`,
    })
  } else if (auth.anthropic === "missing") {
    checks.push({
      id: "opencode.auth",
      status: "error",
      message: `${where} has no anthropic entry, so OpenCode never runs the plugin's loader`,
      fix: "keyrelay opencode setup",
    })
  } else if (auth.anthropic === "other") {
    checks.push({
      id: "opencode.auth",
      status: "warning",
      message: `${where} holds a "${auth.otherType}" anthropic sign-in; keyrelay never uses it`,
      fix: "keyrelay opencode setup",
    })
  } else {
    checks.push({
      id: "opencode.auth",
      status: "ok",
      message:
        auth.anthropic === "marker" ? `${where} holds keyrelay's marker` : `${where} has an anthropic entry`,
    })
  }
  return checks
}

async function credentialChecks(ctx: Context, store: AccountStore, timeoutMs: number): Promise<Check[]> {
  const accounts = store.listAccounts().filter((a) => a.enabled)
  if (accounts.length === 0) return []
  const { testAccounts, fixFor } = await import("./test.ts")
  const results = await testAccounts(ctx, accounts, { quiet: true, timeoutMs })
  return results.map((result, i) => {
    const account = accounts[i]!
    return result.ok
      ? {
          id: `credentials.${account.id}`,
          status: "ok" as const,
          message: `${account.label} works (${result.status}, ${Math.round(result.latencyMs ?? 0)} ms)`,
        }
      : {
          id: `credentials.${account.id}`,
          status:
            result.failure?.class === "rate-limit" || result.failure?.class === "service"
              ? ("warning" as const)
              : ("error" as const),
          message: `${account.label} fails \`keyrelay test\`: ${result.failure?.class}: ${result.failure?.reason}`,
          fix: fixFor(account, result),
        }
  })
}

const doctor: CommandHandler = async (ctx, { values }) => {
  ctx.configureStore({ lockTimeoutMs: 3000, quietProblems: true })
  const timeoutMs = typeof values.timeout === "string" ? parseInteger(values.timeout, "--timeout", 1) : 15_000
  const home = await ctx.home()
  const checks: Check[] = []
  let store: AccountStore | undefined
  try {
    store = await ctx.store()
  } catch (error) {
    checks.push({
      id: "store.open",
      status: "error",
      message: `the store at ${home} cannot be opened: ${(error as Error).message}`,
      fix: "follow the message above, then run `keyrelay doctor` again",
    })
  }
  // After opening: a file the store moved aside is no longer there to be judged.
  checks.unshift(...permissionChecks(home))
  if (store) {
    checks.push(
      ...store.problems.map(problemCheck),
      ...leftoverChecks(home),
      await lockCheck(store),
      ...(await accountChecks(ctx, store)),
      ...configChecks(store),
    )
  }
  checks.push(...(await openCodeChecks(ctx)))
  if (store && values.offline !== true) {
    const { startSpinner } = await import("../_spinner.ts")
    const spinner = startSpinner(ctx, "Testing credentials with GET /v1/models…")
    try {
      checks.push(...(await credentialChecks(ctx, store, timeoutMs)))
    } finally {
      spinner.stop()
    }
  }
  const errors = checks.filter((c) => c.status === "error").length
  const warnings = checks.filter((c) => c.status === "warning").length
  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      ok: errors === 0,
      home,
      checks: checks.map((c) => ({ id: c.id, status: c.status, message: c.message, fix: c.fix ?? null })),
    })
    return errors === 0 ? 0 : 1
  }
  const { style } = ctx
  const marks = ctx.unicode ? { ok: "✓", warning: "!", error: "✗" } : { ok: "ok", warning: "!!", error: "XX" }
  const color = { ok: style.green, warning: style.yellow, error: style.red }
  for (const check of checks) {
    ctx.print(`${color[check.status](marks[check.status])} ${check.message}`)
    if (check.fix) ctx.print(`  ${style.dim("fix:")} ${check.fix}`)
  }
  ctx.print(
    "",
    errors === 0 && warnings === 0
      ? style.green("Everything looks right.")
      : `${errors} problem(s), ${warnings} warning(s).${errors > 0 ? " Each line above says how to fix it." : ""}`,
  )
  return errors === 0 ? 0 : 1
}
export default doctor
