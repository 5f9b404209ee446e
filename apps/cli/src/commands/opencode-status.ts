import type { CommandHandler } from "../_commands.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { type OpenCodeStatus, openCodeStatus } from "../_opencode.ts"

/** The status as `--json` prints it. */
export function openCodeStatusJson(status: OpenCodeStatus) {
  return {
    pluginConfigured: status.pluginConfigured,
    globalConfig: status.globalConfig,
    configSources: status.sources.map((s) => ({
      source: s.source,
      scope: s.scope,
      hasPlugin: s.hasPlugin,
      error: s.unreadable ?? null,
    })),
    localPluginFiles: status.localPluginFiles,
    auth: {
      path: status.auth.path,
      overriddenByEnv: status.auth.overriddenByEnv,
      exists: status.auth.exists,
      anthropic: status.auth.anthropic,
      error: status.auth.unreadable ?? null,
    },
    ready: status.pluginConfigured && status.auth.anthropic !== "missing",
  }
}

const opencodeStatus: CommandHandler = async (ctx) => {
  const status = await openCodeStatus(ctx.env, ctx.cwd)
  if (ctx.flags.json) {
    ctx.printJson({ version: JSON_SCHEMA_VERSION, ...openCodeStatusJson(status) })
    return 0
  }
  const { green, red, yellow } = ctx.style
  const ok = (text: string) => `${green("✓")} ${text}`
  const bad = (text: string) => `${red("✗")} ${text}`
  const where = status.sources.filter((s) => s.hasPlugin).map((s) => s.source)
  ctx.print(
    status.pluginConfigured
      ? ok(`plugin configured (${[...where, ...status.localPluginFiles].join(", ")})`)
      : bad(
          `plugin not configured: no "opencode-keyrelay" in ${status.globalConfig} or the project's config`,
        ),
  )
  for (const source of status.sources.filter((s) => s.unreadable)) {
    ctx.print(bad(`${source.source} does not parse (${source.unreadable}); OpenCode will refuse it too`))
  }
  const auth = status.auth
  const authWhere = auth.overriddenByEnv ? "$OPENCODE_AUTH_CONTENT" : auth.path
  const lines: Record<OpenCodeStatus["auth"]["anthropic"], string> = {
    marker: ok(`anthropic entry in ${authWhere} is keyrelay's marker (no secret)`),
    "api-key": ok(
      `anthropic entry in ${authWhere} holds an API key; the plugin runs (\`keyrelay opencode setup --import-key\` moves it into the pool)`,
    ),
    other: yellow(
      `! anthropic entry in ${authWhere} is of type "${auth.otherType}"; keyrelay never uses subscription sign-ins`,
    ),
    missing: bad(`no anthropic entry in ${authWhere}: OpenCode will not run the plugin's loader`),
  }
  ctx.print(lines[auth.anthropic])
  if (auth.unreadable) ctx.print(bad(`${authWhere} does not parse (${auth.unreadable})`))
  const ready = status.pluginConfigured && auth.anthropic !== "missing"
  if (!ready) ctx.print("", "Fix: `keyrelay opencode setup`")
  return ready ? 0 : 1
}
export default opencodeStatus
