/**
 * The key of the `anthropic` entry keyrelay leaves in OpenCode's auth store (`auth.json`) instead of a secret:
 * `{"anthropic": {"type": "api", "key": "keyrelay-managed"}}`.
 *
 * OpenCode (1.18) calls a plugin's `auth.loader` only when its auth store has an entry for the provider, so the
 * plugin's sign-in methods and `keyrelay opencode setup` both write this entry: the loader then runs and serves
 * OpenCode's requests from the pool, and the real credentials stay in keyrelay's own store. It holds no secret
 * and grants nothing; the plugin recognises it and never sends it. Should the plugin ever be removed while the
 * entry stays, OpenCode sends `keyrelay-managed` as its `x-api-key` and Anthropic answers 401
 * (`authentication_error`): replace the entry with a key of your own (`opencode auth login`) or add the plugin back.
 *
 * @example
 * import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch"
 * const auth = { anthropic: { type: "api", key: OPENCODE_AUTH_MARKER_KEY } } // what OpenCode's auth.json holds
 */
export const OPENCODE_AUTH_MARKER_KEY = "keyrelay-managed"

/** The whole marker entry, as written under `anthropic` in OpenCode's `auth.json` (see {@link OPENCODE_AUTH_MARKER_KEY}). */
export const OPENCODE_AUTH_MARKER: Readonly<{ type: "api"; key: typeof OPENCODE_AUTH_MARKER_KEY }> =
  Object.freeze({ type: "api", key: OPENCODE_AUTH_MARKER_KEY })

/** One entry of OpenCode's auth store as its loader hands it to a plugin (`type` `api`, `oauth` or `wellknown`). */
export interface OpencodeAuthEntry {
  readonly type?: unknown
  readonly key?: unknown
  readonly [field: string]: unknown
}

/**
 * Whether an entry of OpenCode's auth store is keyrelay's marker ({@link OPENCODE_AUTH_MARKER}) rather than a
 * credential of OpenCode's own: exactly `type: "api"` with the marker key, nothing looser.
 *
 * @example
 * isOpencodeAuthMarker({ type: "api", key: "keyrelay-managed" }) // true
 * isOpencodeAuthMarker({ type: "api", key: "sk-ant-api03-test-…" }) // false
 */
export function isOpencodeAuthMarker(entry: OpencodeAuthEntry | null | undefined): boolean {
  return (
    typeof entry === "object" &&
    entry !== null &&
    entry.type === "api" &&
    entry.key === OPENCODE_AUTH_MARKER_KEY
  )
}
