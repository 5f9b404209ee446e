import { packageBuild } from "../../tsdown.base.ts"

// `opencode-auth-marker` is its own entry so the OpenCode plugin can check the marker when OpenCode loads it without
// loading the pool (it loads the pool only when the loader first runs).
export default packageBuild({
  platform: "node",
  entry: ["src/index.ts", "src/opencode-auth-marker.ts"],
})
