import { packageBuild } from "../../tsdown.base.ts"

// Small entries besides the pool, for hosts that need a piece before (or without) the pool: the OpenCode plugin
// checks the auth marker and its `strategy` option when OpenCode loads it, and loads the pool only when its loader
// first runs; the CLI's `opencode`, `strategy`, `list` and `limits` commands never load it.
export default packageBuild({
  platform: "node",
  entry: ["src/index.ts", "src/account-status.ts", "src/opencode-auth-marker.ts", "src/strategy-names.ts"],
})
