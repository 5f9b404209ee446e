import { defineConfig, type UserConfig } from "tsdown"

/**
 * The one build every published package shares: ESM only, `.d.ts` beside it, no sourcemaps of
 * sources we do not ship, dependencies left external. A package passes only what differs.
 */
export function packageBuild(overrides: UserConfig = {}): UserConfig {
  return defineConfig({
    entry: ["src/index.ts"],
    format: "esm",
    dts: true,
    target: "node20.19",
    platform: "neutral",
    clean: true,
    sourcemap: false,
    treeshake: true,
    fixedExtension: false,
    ...overrides,
  }) as UserConfig
}
