import { packageBuild } from "../../tsdown.base.ts"

export default packageBuild({
  entry: [
    "src/index.ts",
    "src/loopback-guard.ts",
    "src/loopback-guard-register.ts",
    "src/cli.ts",
    "src/oidc-provider.ts",
    "src/opencode/opencode-netns-runner.ts",
  ],
  platform: "node",
})
