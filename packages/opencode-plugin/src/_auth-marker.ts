/**
 * What keyrelay writes into OpenCode's auth store (`auth.json`, provider `anthropic`) instead of a secret.
 *
 * OpenCode calls a plugin's `auth.loader` only when its auth store has an entry for the provider, so adding an
 * account through `opencode auth login` (this plugin) or through `keyrelay opencode setup` (the CLI) leaves
 * `{ "anthropic": { "type": "api", "key": KEYRELAY_AUTH_MARKER } }` there: the loader then runs, and the real
 * credentials stay in keyrelay's own store. The CLI must write exactly this value; it is not a secret and is never
 * sent to Anthropic (the loader replaces OpenCode's fetch and `apiKey` whenever it sees it, unless the plugin is
 * turned off with `disabled`).
 */
export const KEYRELAY_AUTH_MARKER = "keyrelay-managed"

/** OpenCode's auth entry for a provider, as its loader receives it (`type` `api`, `oauth` or `wellknown`). */
export interface OpencodeAuthEntry {
  readonly type: string
  readonly key?: unknown
  readonly [field: string]: unknown
}

/** Whether OpenCode's auth entry is keyrelay's marker rather than a credential of its own. */
export function isKeyrelayMarker(entry: OpencodeAuthEntry | undefined | null): boolean {
  return entry?.type === "api" && entry.key === KEYRELAY_AUTH_MARKER
}
