// The marker keyrelay leaves in OpenCode's auth store is pool-fetch's, shared with the plugin; this module only adds
// the plugin's npm name. Its own entry of pool-fetch keeps `keyrelay opencode …` from loading the pool.
export {
  isOpencodeAuthMarker,
  OPENCODE_AUTH_MARKER,
  OPENCODE_AUTH_MARKER_KEY,
} from "@keyrelay/pool-fetch/opencode-auth-marker"

/** The npm name of the OpenCode plugin, as it appears in OpenCode's `plugin` list. */
export const OPENCODE_PLUGIN_NAME = "opencode-keyrelay"
