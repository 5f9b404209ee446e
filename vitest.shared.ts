import { fileURLToPath } from "node:url"
import { defineConfig, type ViteUserConfig } from "vitest/config"

const loopbackGuard = fileURLToPath(
  new URL("./packages/test-utils/src/loopback-guard-setup.ts", import.meta.url),
)

/**
 * The test settings every package shares: mocks and stubbed globals are undone after each test,
 * and any attempt to reach an address other than loopback fails the test that made it.
 */
export function packageTests(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      setupFiles: [loopbackGuard],
      restoreMocks: true,
      clearMocks: true,
      unstubGlobals: true,
      unstubEnvs: true,
      // Hang detectors, not speed assertions: tests that start processes (the CLI, writers, OpenCode) share
      // a 2-core CI machine with the whole turbo run, where 20 s was seen to be too little.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  })
}
