import type { OpencodeSandboxPaths } from "./opencode-sandbox.ts"

/**
 * Where npm-style installs inside OpenCode are sent: loopback port 9 (discard), where nothing listens, so a
 * install that the seeding did not prevent fails at once instead of reaching a registry or retrying for a minute.
 */
export const BLOCKED_NPM_REGISTRY = "http://127.0.0.1:9/"

/** Options of {@link buildOpencodeEnv}. */
export interface BuildOpencodeEnvOptions {
  sandbox: OpencodeSandboxPaths
  /** `PATH` for OpenCode and the tools it runs; default this process's. */
  path?: string
  /** `OPENCODE_AUTH_CONTENT`: the whole auth.json as JSON, used instead of the file when set. */
  authContent?: string
  /** Extra variables for OpenCode and its plugins (e.g. `KEYRELAY_HOME`), applied last. */
  env?: Record<string, string>
}

/**
 * Builds the complete environment of an `opencode run`, from nothing rather than from this process's
 * environment (so no API key, proxy, `OPENCODE_*` or `NODE_OPTIONS` of the test runner leaks in): every path
 * in the sandbox, every OpenCode download and background fetch switched off, npm pointed at a dead loopback
 * port, proxies absent and loopback exempt from any proxy; then `env` over it.
 */
export function buildOpencodeEnv(options: BuildOpencodeEnvOptions): Record<string, string> {
  const { sandbox } = options
  return {
    PATH: options.path ?? process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: sandbox.home,
    XDG_CONFIG_HOME: sandbox.configHome,
    XDG_DATA_HOME: sandbox.dataHome,
    XDG_STATE_HOME: sandbox.stateHome,
    XDG_CACHE_HOME: sandbox.cacheHome,
    TMPDIR: sandbox.tmpDir,
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_CLAUDE_CODE: "1",
    npm_config_registry: BLOCKED_NPM_REGISTRY,
    npm_config_fetch_retries: "0",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    ...(options.authContent === undefined ? {} : { OPENCODE_AUTH_CONTENT: options.authContent }),
    ...options.env,
  }
}
