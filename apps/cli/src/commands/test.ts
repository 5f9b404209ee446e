import type { Account } from "@keyrelay/account-store"
import type { AccountTestResult } from "@keyrelay/pool-fetch"
import { findAccounts } from "../_account-ref.ts"
import type { CommandHandler } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { parseInteger } from "../_parse-values.ts"
import { startSpinner } from "../_spinner.ts"
import { renderTable } from "../_table.ts"
import { VERSION } from "../version.ts"

const DEFAULT_TIMEOUT_MS = 15_000
const CONCURRENCY = 4

/** What to do about each kind of failure, with the command when there is one. */
export function fixFor(account: Account, result: AccountTestResult): string {
  const label = account.label
  const failure = result.failure
  if (!failure) return ""
  const credential = account.credential
  switch (failure.class) {
    case "auth":
      if (credential.kind === "env")
        return `check $${credential.variable} in the environment that runs keyrelay and OpenCode`
      if (credential.kind === "command")
        return `run the command yourself and check it prints a valid key: ${credential.command}`
      if (credential.kind === "profile")
        return `sign in to the Anthropic profile "${credential.profile}" again (\`ant auth login\`)`
      if (credential.kind === "federation") {
        return credential.identityToken.source === "oauth"
          ? `\`keyrelay login ${label}\``
          : "check the federation rule, service account and identity token source in the Console"
      }
      return `the key was revoked or expired: \`keyrelay remove ${label}\`, then \`keyrelay add ${label}\` with a new key`
    case "permission":
      return "this credential may not use this endpoint; check its workspace's permissions in the Console"
    case "credit":
    case "billing":
      return "add credits or fix billing in the Console (Settings → Billing)"
    case "spend-limit":
      return "raise the spend limit in the Console (Settings → Limits), or wait for the month to turn"
    case "spend-cap":
      return "the tier's monthly cap is reached: usage resumes on the 1st (UTC), or move to a higher tier"
    case "rate-limit":
      return "rate limited right now; it proves the key works. Try again in a minute"
    case "service":
      return "the API is having trouble (5xx); try again shortly"
    case "transport":
      return `could not reach ${account.baseUrl ?? "https://api.anthropic.com"}: check the network, a proxy, or the account's base URL`
    default:
      return "unexpected answer; try again, and report it if it persists"
  }
}

/** Tests accounts a few at a time, with a spinner on a terminal; never throws for an account that fails. */
export async function testAccounts(
  ctx: Context,
  accounts: readonly Account[],
  options: { quiet?: boolean; timeoutMs?: number } = {},
): Promise<AccountTestResult[]> {
  const store = await ctx.store()
  const { testAccount } = await import("@keyrelay/pool-fetch")
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const results: AccountTestResult[] = new Array(accounts.length)
  let done = 0
  const spinner = options.quiet
    ? { update() {}, stop() {} }
    : startSpinner(
        ctx,
        `Testing ${accounts.length === 1 ? accounts[0]!.label : `${accounts.length} accounts`}…`,
      )
  let next = 0
  const worker = async () => {
    while (next < accounts.length) {
      const index = next++
      const account = accounts[index]!
      const started = ctx.now()
      try {
        results[index] = await testAccount({
          store,
          accountId: account.id,
          fetch: ctx.fetch,
          now: ctx.now,
          host: `keyrelay-cli/${VERSION}`,
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        const timedOut = (error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError"
        results[index] = {
          accountId: account.id,
          label: account.label,
          ok: false,
          latencyMs: ctx.now() - started,
          failure: {
            class: "transport",
            reason: timedOut
              ? `no answer within ${timeoutMs} ms`
              : ((error as Error)?.message ?? String(error)),
          },
        }
      }
      done++
      if (accounts.length > 1)
        spinner.update(`Testing ${accounts.length} accounts… ${done}/${accounts.length}`)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, accounts.length) }, worker))
  } finally {
    spinner.stop()
  }
  if (!options.quiet && !ctx.flags.json) printResults(ctx, accounts, results)
  return results
}

function printResults(ctx: Context, accounts: readonly Account[], results: readonly AccountTestResult[]) {
  const { style } = ctx
  const [ok, bad] = ctx.unicode ? ["✓", "✗"] : ["ok", "FAIL"]
  ctx.print(
    ...renderTable(
      [
        { header: "ACCOUNT", shrink: true, min: 8 },
        { header: "STATUS", align: "right" },
        { header: "LATENCY", align: "right" },
        { header: "ORGANIZATION / WORKSPACE", shrink: true, min: 8 },
        { header: "RESULT", shrink: true, min: 12 },
      ],
      results.map((r) => [
        `${r.ok ? style.green(ok) : style.red(bad)} ${r.label}`,
        r.status === undefined ? "—" : String(r.status),
        r.latencyMs === undefined ? "—" : `${Math.round(r.latencyMs)} ms`,
        r.organizationId ? `${r.organizationId}${r.workspaceId ? ` / ${r.workspaceId}` : ""}` : "—",
        r.ok ? `${r.models ?? 0} models` : `${r.failure?.class}: ${r.failure?.reason ?? ""}`,
      ]),
      { width: ctx.width, header: style.dim },
    ),
  )
  const failed = results.map((r, i) => [r, accounts[i]!] as const).filter(([r]) => !r.ok)
  if (failed.length > 0) {
    ctx.print("")
    for (const [result, account] of failed) {
      ctx.print(
        `${account.label}: ${fixFor(account, result)}${result.failure?.requestId ? ` (request ${result.failure.requestId})` : ""}`,
      )
    }
  }
}

export function resultJson(r: AccountTestResult) {
  return {
    accountId: r.accountId,
    label: r.label,
    ok: r.ok,
    status: r.status ?? null,
    latencyMs: r.latencyMs === undefined ? null : Math.round(r.latencyMs),
    organizationId: r.organizationId ?? null,
    workspaceId: r.workspaceId ?? null,
    models: r.models ?? null,
    failure: r.failure
      ? { class: r.failure.class, reason: r.failure.reason, requestId: r.failure.requestId ?? null }
      : null,
  }
}

const test: CommandHandler = async (ctx, { positionals, values }) => {
  const store = await ctx.store()
  const accounts =
    positionals.length > 0
      ? findAccounts(store, positionals)
      : store.listAccounts().filter((a) => values.all === true || a.enabled)
  if (accounts.length === 0) {
    if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, ok: true, results: [] })
    else
      ctx.print(
        store.listAccounts().length === 0
          ? "No accounts yet. Add one with `keyrelay add`."
          : "No enabled accounts; `--all` tests the disabled ones too.",
      )
    return 0
  }
  const timeoutMs =
    typeof values.timeout === "string" ? parseInteger(values.timeout, "--timeout", 1) : DEFAULT_TIMEOUT_MS
  const results = await testAccounts(ctx, accounts, { timeoutMs })
  const ok = results.every((r) => r.ok)
  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, ok, results: results.map(resultJson) })
  return ok ? 0 : 1
}
export default test
