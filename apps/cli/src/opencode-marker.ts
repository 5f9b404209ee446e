/**
 * The key of the `anthropic` entry keyrelay leaves in OpenCode's `auth.json`:
 * `{"anthropic":{"type":"api","key":"keyrelay-managed"}}`. It holds no secret; it exists because OpenCode runs a
 * plugin's auth loader only when `auth.json` has an entry for the provider. The plugin treats this value as
 * "the pool decides" and never sends it.
 *
 * Until pool-fetch exports it for both the CLI and the plugin, this is its one definition.
 */
export const OPENCODE_AUTH_MARKER_KEY = "keyrelay-managed"

/** The whole marker entry as written under `anthropic` in OpenCode's `auth.json`. */
export const OPENCODE_AUTH_MARKER = Object.freeze({ type: "api", key: OPENCODE_AUTH_MARKER_KEY })

/** The npm name of the OpenCode plugin, as it appears in OpenCode's `plugin` list. */
export const OPENCODE_PLUGIN_NAME = "opencode-keyrelay"
