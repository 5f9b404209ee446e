import { resolve } from "node:path"
import type { CommandHandler } from "../_commands.ts"
import { type ExportDocument, exportedAccount } from "../_export-format.ts"
import { writeFileAtomic } from "../_write-file.ts"
import { usageError } from "../cli-error.ts"

const exportCommand: CommandHandler = async (ctx, { values }) => {
  const withSecrets = values["with-secrets"] === true
  const output = typeof values.output === "string" ? values.output : undefined
  if (withSecrets && output === undefined) {
    throw usageError(
      "--with-secrets writes API keys, so it needs --output <file> (written 0600); `--output -` sends it to a pipe.",
    )
  }
  if (withSecrets && output === "-" && ctx.stdout.isTTY) {
    throw usageError(
      "Refusing to print API keys on the terminal; pipe `--output -` into another command, or name a file.",
    )
  }
  const store = await ctx.store()
  const accounts = []
  for (const account of store.listAccounts()) {
    const key =
      withSecrets && account.credential.kind === "api-key"
        ? (await store.getSecret(account.id)).reveal()
        : undefined
    accounts.push(exportedAccount(account, key))
  }
  const document: ExportDocument = {
    keyrelay: "export",
    version: 1,
    exportedAt: new Date(ctx.now()).toISOString(),
    withSecrets,
    accounts,
    rules: [...store.listRules()],
    config: { ...store.config },
  }
  const text = `${JSON.stringify(document, null, 2)}\n`
  if (withSecrets) {
    ctx.warn(
      "this export holds your API keys in plain text. Keep it out of git, chat and backups, and delete it once imported.",
    )
  }
  if (output === undefined || output === "-") {
    ctx.stdout.write(text)
  } else {
    const path = resolve(ctx.cwd, output)
    writeFileAtomic(path, text, { mode: 0o600 })
    ctx.info(
      `Exported ${accounts.length} account(s), ${document.rules.length} rule(s) and the settings to ${path}${withSecrets ? " (0600, with keys)" : " (without keys)"}.`,
    )
  }
  const keyless = accounts.filter((a) => a.credential.kind === "api-key" && a.key === undefined).length
  if (keyless > 0) {
    ctx.info(
      `${keyless} api-key account(s) were exported without their key: an import skips them (export with --with-secrets to carry keys).`,
    )
  }
  return 0
}
export default exportCommand
