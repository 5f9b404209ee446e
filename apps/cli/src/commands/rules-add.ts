import { isAbsolute, resolve } from "node:path"
import type { RoutingRuleInput } from "@keyrelay/account-store"
import { findAccounts } from "../_account-ref.ts"
import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { matchText, ruleJson, useText } from "../_rules-view.ts"
import { checkStrategy } from "../_strategies.ts"
import { usageError } from "../cli-error.ts"

function list(value: unknown): string[] {
  return ((value as string[] | undefined) ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean)
}

/** A relative directory is the user's relative to where they stand; globs and `~/` are kept as written. */
function directoryGlob(glob: string, cwd: string): string {
  if (isAbsolute(glob) || glob.startsWith("~/") || glob === "~" || /^[*?{]/.test(glob)) return glob
  return resolve(cwd, glob)
}

const rulesAdd: CommandHandler = async (ctx, { values }) => {
  const store = await ctx.store()
  const directories = list(values.dir).map((d) => directoryGlob(d, ctx.cwd))
  const models = list(values.model)
  const accounts = findAccounts(store, list(values.account)).map((a) => a.id)
  const tags = list(values.tag)
  if (accounts.length === 0 && tags.length === 0) {
    throw usageError("A rule must say which accounts to use: --account <label> and/or --tag <tag>.")
  }
  const rule: RoutingRuleInput = {
    match: { ...(directories.length ? { directories } : {}), ...(models.length ? { models } : {}) },
    use: { ...(accounts.length ? { accounts } : {}), ...(tags.length ? { tags } : {}) },
    ...(typeof values.strategy === "string" ? { strategy: checkStrategy(values.strategy) } : {}),
    ...(typeof values.description === "string" && values.description.trim()
      ? { description: values.description.trim() }
      : {}),
  }
  let added: ReturnType<typeof store.listRules>[number]
  if (values.first === true) {
    const existing = store.listRules()
    const next = await store.setRules([rule, ...existing])
    added = next[0]!
  } else {
    added = await store.addRule(rule)
  }
  if (tags.length > 0) {
    const unknown = tags.filter((t) => !store.listAccounts().some((a) => a.tags.includes(t)))
    if (unknown.length > 0) ctx.warn(`no account has the tag ${unknown.map((t) => `"${t}"`).join(", ")} yet.`)
  }
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, rule: ruleJson(added, store) })
  } else {
    ctx.print(
      `Added ${added.id}: ${matchText(added)} → ${useText(added, store)}${added.strategy ? ` (${added.strategy})` : ""}.`,
    )
    ctx.print("`keyrelay rules explain <dir> [model]` shows which account would serve.")
  }
  return 0
}
export default rulesAdd
