import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { dirname } from "node:path"
import type { CommandHandler } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { openCodeStatus, pluginEntryMatches } from "../_opencode.ts"
import { askConfirm } from "../_prompt.ts"
import { writeFileAtomic } from "../_write-file.ts"
import { CLI_ERROR_CODES, CliError } from "../cli-error.ts"
import { OPENCODE_AUTH_MARKER, OPENCODE_PLUGIN_NAME } from "../opencode-marker.ts"

async function confirmStep(ctx: Context, yes: boolean, question: string, flag: string): Promise<boolean> {
  if (yes) return true
  ctx.requireInteractive(`pass ${flag} to do this without being asked.`)
  return askConfirm(ctx, question, true)
}

/** Adds the plugin to the global config, editing JSONC in place so comments and formatting survive. */
async function addPlugin(path: string): Promise<void> {
  const { applyEdits, modify, parse } = await import("jsonc-parser")
  let text = existsSync(path) ? readFileSync(path, "utf8") : ""
  if (text.trim() === "") text = '{\n  "$schema": "https://opencode.ai/config.json"\n}\n'
  const current = parse(text, [], { allowTrailingComma: true }) as { plugin?: unknown }
  const plugins = Array.isArray(current?.plugin) ? current.plugin : undefined
  if (plugins?.some(pluginEntryMatches)) return
  const formatting = { insertSpaces: true, tabSize: 2, eol: "\n" }
  const edits = plugins
    ? modify(text, ["plugin", plugins.length], OPENCODE_PLUGIN_NAME, {
        formattingOptions: formatting,
        isArrayInsertion: true,
      })
    : modify(text, ["plugin"], [OPENCODE_PLUGIN_NAME], { formattingOptions: formatting })
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, applyEdits(text, edits), { mode: 0o600, keepMode: true })
}

function backupPath(path: string, now: number): string {
  return `${path}.keyrelay-backup-${new Date(now).toISOString().replace(/[:.]/g, "-")}`
}

const opencodeSetup: CommandHandler = async (ctx, { values }) => {
  const yes = values.yes === true
  const status = await openCodeStatus(ctx.env, ctx.cwd)
  const result = {
    plugin: { status: "present" as "present" | "added" | "skipped", file: status.globalConfig },
    auth: {
      status: "present" as "present" | "added" | "imported" | "replaced" | "kept" | "skipped",
      file: status.auth.path,
      backup: null as string | null,
      importedAccount: null as { id: string; label: string } | null,
    },
  }
  const say = (line: string) => {
    if (!ctx.flags.json) ctx.print(line)
  }

  // 1. The plugin in OpenCode's global config.
  if (!status.pluginConfigured) {
    const global = status.sources.find((s) => s.source === status.globalConfig)
    if (global?.unreadable) {
      throw new CliError(
        CLI_ERROR_CODES.OPENCODE_FILE,
        `${status.globalConfig} does not parse (${global.unreadable}), so keyrelay will not edit it. Fix it, or add this line yourself: "plugin": ["${OPENCODE_PLUGIN_NAME}"]`,
      )
    }
    if (await confirmStep(ctx, yes, `Add "${OPENCODE_PLUGIN_NAME}" to ${status.globalConfig}?`, "--yes")) {
      await addPlugin(status.globalConfig)
      result.plugin.status = "added"
      say(`Added "${OPENCODE_PLUGIN_NAME}" to the plugins in ${status.globalConfig}.`)
    } else {
      result.plugin.status = "skipped"
      say(`Left ${status.globalConfig} alone. To add it yourself: "plugin": ["${OPENCODE_PLUGIN_NAME}"]`)
    }
  } else say("The plugin is already configured.")

  // 2. An anthropic entry in auth.json, without which OpenCode never runs the plugin's loader.
  const auth = status.auth
  if (auth.overriddenByEnv) {
    result.auth.status = "skipped"
    say(
      `OPENCODE_AUTH_CONTENT replaces auth.json in this environment; put ${JSON.stringify({ anthropic: OPENCODE_AUTH_MARKER })} in it.`,
    )
  } else if (auth.unreadable) {
    throw new CliError(
      CLI_ERROR_CODES.OPENCODE_FILE,
      `${auth.path} does not parse (${auth.unreadable}), so keyrelay will not touch it. Fix or move it, then run \`keyrelay opencode setup\` again.`,
    )
  } else if (auth.anthropic === "missing") {
    writeAuth(auth.path)
    result.auth.status = "added"
    say(`Added keyrelay's marker (no secret) as the anthropic entry of ${auth.path}.`)
  } else if (auth.anthropic === "marker") {
    say("OpenCode's anthropic entry is already keyrelay's marker.")
  } else if (auth.anthropic === "api-key") {
    const importIt =
      values["import-key"] === true ||
      (ctx.interactive &&
        !yes &&
        (await askConfirm(
          ctx,
          "OpenCode's auth.json holds an Anthropic API key. Move it into the pool (a backup of auth.json is kept)?",
          true,
        )))
    if (importIt) {
      const imported = await importKey(
        ctx,
        auth.path,
        typeof values.label === "string" ? values.label : "opencode",
      )
      result.auth.importedAccount = imported
      result.auth.backup = backup(auth.path, ctx.now())
      writeAuth(auth.path)
      result.auth.status = "imported"
      say(`Moved OpenCode's key into the pool as ${imported.label}; auth.json now holds keyrelay's marker.`)
      say(`The old auth.json is kept as ${result.auth.backup} (0600); delete it once you are happy.`)
    } else {
      result.auth.status = "kept"
      say(
        "OpenCode's own API key stays in auth.json (the plugin runs with it there). `--import-key` moves it into the pool.",
      )
    }
  } else {
    const replace = await confirmStep(
      ctx,
      yes,
      `OpenCode's anthropic entry is a "${auth.otherType}" sign-in, which keyrelay never uses. Replace it with keyrelay's marker (a backup is kept)?`,
      "--yes",
    )
    if (replace) {
      result.auth.backup = backup(auth.path, ctx.now())
      writeAuth(auth.path)
      result.auth.status = "replaced"
      say(`Replaced it with keyrelay's marker; the old auth.json is kept as ${result.auth.backup}.`)
    } else {
      result.auth.status = "kept"
      say("Left auth.json as it is.")
    }
  }

  if (ctx.flags.json) ctx.printJson({ version: JSON_SCHEMA_VERSION, ...result })
  else say("Restart OpenCode to load the plugin. `keyrelay doctor` checks everything.")
  return 0
}

function readAuth(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {}
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>
}

function writeAuth(path: string): void {
  const data = { ...readAuth(path), anthropic: { ...OPENCODE_AUTH_MARKER } }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
}

function backup(path: string, now: number): string {
  const target = backupPath(path, now)
  writeFileAtomic(target, readFileSync(path, "utf8"), { mode: 0o600 })
  return target
}

async function importKey(ctx: Context, path: string, wanted: string): Promise<{ id: string; label: string }> {
  const entry = readAuth(path).anthropic as { key: string }
  const store = await ctx.store()
  const taken = new Set(store.listAccounts().map((a) => a.label.toLowerCase()))
  let label = wanted
  for (let n = 2; taken.has(label.toLowerCase()); n++) label = `${wanted}-${n}`
  const { credentialFingerprint, isAccountStoreError } = await import("@keyrelay/account-store")
  try {
    const account = await store.addAccount({ label, credential: { kind: "api-key", key: entry.key } })
    return { id: account.id, label: account.label }
  } catch (error) {
    if (isAccountStoreError(error) && error.code === "ERR_STORE_DUPLICATE_CREDENTIAL") {
      const fingerprint = credentialFingerprint({ kind: "api-key", hint: "" }, entry.key)
      const existing = store.listAccounts().find((a) => a.fingerprint === fingerprint)
      if (existing) {
        ctx.info(`That key is already in the pool as ${existing.label}; nothing was added.`)
        return { id: existing.id, label: existing.label }
      }
    }
    throw error
  }
}

export default opencodeSetup
