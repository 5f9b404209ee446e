import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import type { CredentialInput, RoutingRuleInput } from "@keyrelay/account-store"
import type { CommandHandler } from "../_commands.ts"
import type { ExportDocument, ExportedAccount } from "../_export-format.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { readStdin } from "../_secret-input.ts"
import { CLI_ERROR_CODES, CliError } from "../cli-error.ts"

function invalid(message: string): CliError {
  return new CliError(CLI_ERROR_CODES.IMPORT_INVALID, message)
}

function parseDocument(text: string): ExportDocument {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw invalid("That file is not JSON; `keyrelay import` takes what `keyrelay export` wrote.")
  }
  const doc = data as Partial<ExportDocument>
  if (doc?.keyrelay !== "export" || !Array.isArray(doc.accounts)) {
    throw invalid('That JSON is not a keyrelay export (no `"keyrelay": "export"`).')
  }
  if (doc.version !== 1) {
    throw invalid(
      `That export is version ${String(doc.version)}; this keyrelay reads version 1. Upgrade keyrelay.`,
    )
  }
  return {
    ...doc,
    rules: doc.rules ?? [],
    config: doc.config ?? ({} as ExportDocument["config"]),
  } as ExportDocument
}

type Outcome = {
  label: string
  status: "added" | "exists" | "skipped" | "failed"
  id: string | null
  reason: string | null
}

const importCommand: CommandHandler = async (ctx, { positionals, values }) => {
  const [source] = positionals as [string]
  let text: string
  try {
    text = source === "-" ? await readStdin(ctx) : readFileSync(resolve(ctx.cwd, source), "utf8")
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(
      CLI_ERROR_CODES.IO_FAILED,
      `Could not read ${source}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`,
    )
  }
  const doc = parseDocument(text)
  const dryRun = values["dry-run"] === true
  const store = await ctx.store()
  const { credentialFingerprint, isAccountStoreError } = await import("@keyrelay/account-store")

  if (doc.accounts.some((a) => a.key !== undefined)) {
    ctx.warn("this export holds API keys in plain text; delete the file once it is imported.")
  }
  const idMap = new Map<string, string>()
  const outcomes: Outcome[] = []
  const taken = new Set(store.listAccounts().map((a) => a.label.toLowerCase()))
  for (const entry of doc.accounts as ExportedAccount[]) {
    const credential: CredentialInput | undefined =
      entry.credential.kind === "api-key"
        ? entry.key
          ? { kind: "api-key", key: entry.key }
          : undefined
        : entry.credential
    if (!credential) {
      outcomes.push({ label: entry.label, status: "skipped", id: null, reason: "exported without its key" })
      continue
    }
    const fingerprint = credentialFingerprint(
      entry.credential.kind === "api-key" ? { kind: "api-key", hint: "" } : entry.credential,
      entry.key,
    )
    const existing = store.listAccounts().find((a) => a.fingerprint === fingerprint)
    if (existing) {
      idMap.set(entry.id, existing.id)
      outcomes.push({
        label: entry.label,
        status: "exists",
        id: existing.id,
        reason: `already in the pool as ${existing.label}`,
      })
      continue
    }
    let label = entry.label
    for (let n = 2; taken.has(label.toLowerCase()); n++) label = `${entry.label}-${n}`
    taken.add(label.toLowerCase())
    if (dryRun) {
      outcomes.push({ label, status: "added", id: null, reason: null })
      continue
    }
    try {
      const account = await store.addAccount({
        label,
        credential,
        tags: entry.tags ?? [],
        enabled: entry.enabled !== false,
        pinned: entry.pinned === true,
        ...(entry.disabledReason !== undefined ? { disabledReason: entry.disabledReason } : {}),
        ...(entry.baseUrl !== undefined ? { baseUrl: entry.baseUrl } : {}),
        ...(typeof entry.priority === "number" ? { priority: entry.priority } : {}),
        ...(entry.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: entry.monthlyBudgetUsd } : {}),
      })
      idMap.set(entry.id, account.id)
      outcomes.push({ label, status: "added", id: account.id, reason: null })
    } catch (error) {
      if (!isAccountStoreError(error)) throw error
      outcomes.push({ label, status: "failed", id: null, reason: error.message })
    }
  }

  // Rules name accounts by id; an id from the other pool becomes the id the account has here.
  const existingRules = new Set(
    store.listRules().map((r) => JSON.stringify([r.match, r.use, r.strategy ?? null])),
  )
  const rules: RoutingRuleInput[] = []
  let rulesSkipped = 0
  for (const rule of doc.rules) {
    const accounts = (rule.use.accounts ?? [])
      .map((id) => idMap.get(id))
      .filter((id): id is string => Boolean(id))
    const use = {
      ...(accounts.length ? { accounts } : {}),
      ...(rule.use.tags?.length ? { tags: rule.use.tags } : {}),
    }
    const next: RoutingRuleInput = {
      match: rule.match,
      use,
      ...(rule.strategy !== undefined ? { strategy: rule.strategy } : {}),
      ...(rule.description !== undefined ? { description: rule.description } : {}),
    }
    const signature = JSON.stringify([next.match, next.use, next.strategy ?? null])
    if (Object.keys(use).length === 0 || existingRules.has(signature)) {
      rulesSkipped++
      continue
    }
    existingRules.add(signature)
    rules.push(next)
  }
  if (!dryRun) for (const rule of rules) await store.addRule(rule)

  let configStatus: "updated" | "unchanged" | "skipped" = "skipped"
  if (values["no-config"] !== true && doc.config && Object.keys(doc.config).length > 0) {
    const same = JSON.stringify(doc.config) === JSON.stringify(store.config)
    configStatus = same ? "unchanged" : "updated"
    if (!same && !dryRun) await store.updateConfig(doc.config)
  }

  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      dryRun,
      accounts: outcomes,
      rules: { added: rules.length, skipped: rulesSkipped },
      config: configStatus,
    })
  } else {
    const verb = dryRun ? "Would add" : "Added"
    for (const o of outcomes) {
      ctx.print(
        o.status === "added"
          ? `${verb} ${o.label}.`
          : `${o.status === "failed" ? "Could not add" : "Skipped"} ${o.label}: ${o.reason}`,
      )
    }
    ctx.print(
      `${verb} ${rules.length} rule(s)${rulesSkipped ? `; ${rulesSkipped} already present or without accounts` : ""}.`,
    )
    if (configStatus === "updated") ctx.print(dryRun ? "Would update the settings." : "Updated the settings.")
  }
  return outcomes.some((o) => o.status === "failed") ? 1 : 0
}
export default importCommand
