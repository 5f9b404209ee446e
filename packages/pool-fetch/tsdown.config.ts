import { packageBuild } from "../../tsdown.base.ts"

// Two small entries besides the pool, for hosts that need them before (or without) the pool: the OpenCode plugin
// checks the auth marker and its `strategy` option when OpenCode loads it, and loads the pool only when its loader
// first runs; the CLI's `opencode` and `strategy` commands never load it.
export default packageBuild({
  platform: "node",
  entry: ["src/index.ts", "src/opencode-auth-marker.ts", "src/strategy-names.ts"],
})
