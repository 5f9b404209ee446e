// What the built pool-fetch loads: a pool of keys must not load @keyrelay/oauth-pkce (only federation accounts
// signing in to an identity provider need it) nor the SDK's credential providers (only profile and federation
// accounts do). The OpenCode plugin's cold start in Bun is measured against a 50 ms budget (bench/plugin-import).
// Recorded from a real Node process through module resolution hooks, not read from the bundle's text.
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { startMockAnthropic } from "@keyrelay/test-utils"
import { describe, expect, it } from "vitest"
import { mockConfig } from "./_pool.ts"

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url))
const GUARD = import.meta.resolve("@keyrelay/test-utils/loopback-guard-register")

describe("the built pool-fetch", () => {
  it("serves keys without loading oauth-pkce or the SDK's credential providers, and loads them for federation", async () => {
    const mock = await startMockAnthropic({
      ...mockConfig(),
      credentials: [
        { label: "work", apiKey: "sk-ant-api03-test-lazy-load-aaaaaaaaaaaaaaaaaa", organizationId: "org-a" },
      ],
    })
    const dir = await mkdtemp(join(tmpdir(), "keyrelay-lazy-"))
    const log = join(dir, "imports.log")
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", join(fixtures, "record-imports.mjs"), join(fixtures, "lazy-load-child.mjs")],
        {
          cwd: fixtures,
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            NODE_OPTIONS: `--import=${GUARD}`,
            KEYRELAY_HOME: join(dir, "home"),
            MOCK_URL: mock.url,
            IMPORT_LOG: log,
          },
        },
      )
      expect(JSON.parse(stdout.trim().split("\n").at(-1) as string)).toEqual({
        statuses: [200, 200],
        failure: "ERR_POOL_CREDENTIAL_UNAVAILABLE",
      })
      const [keys = "", federation = ""] = (await readFile(log, "utf8")).split("--- federation\n")
      expect(keys).toMatch(/\/pool-fetch\/dist\/index\.js\n/)
      expect(keys).toMatch(/\/sse-transform\//)
      expect(keys).not.toMatch(/oauth-pkce|oauth4webapi|@anthropic-ai/)
      // The control: the same process loads both once an account needs them.
      expect(federation).toMatch(/\/oauth-pkce\/dist\/index\.js\n/)
      expect(federation).toMatch(
        /@anthropic-ai\+sdk@[^/]+\/node_modules\/@anthropic-ai\/sdk\/lib\/credentials\//,
      )
      expect(mock.requests.map((r) => r.credential?.label)).toEqual(["work", "work"])
    } finally {
      await mock.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ["opencode-auth-marker", []],
    ["strategy-names", ["@keyrelay/rotation-strategies"]],
    ["account-status", ["@keyrelay/rotation-strategies"]],
  ])("its small entry %s loads no more than %j", async (entry, packages) => {
    const dir = await mkdtemp(join(tmpdir(), "keyrelay-entry-"))
    const log = join(dir, "imports.log")
    try {
      const url = new URL(`../dist/${entry}.js`, import.meta.url).href
      await promisify(execFile)(
        process.execPath,
        [
          "--import",
          join(fixtures, "record-imports.mjs"),
          "--input-type=module",
          "-e",
          `await import(${JSON.stringify(url)})`,
        ],
        { cwd: fixtures, env: { PATH: process.env.PATH, IMPORT_LOG: log } },
      )
      const resolved = (await readFile(log, "utf8")).split("\n").filter((line) => line !== "")
      // The recorder saw the entry itself; everything else it loaded, by package (node: builtins aside).
      expect(resolved).toContain(url)
      const packagesLoaded = resolved
        .filter((line) => line !== url && !line.startsWith("node:"))
        .map(
          (line) =>
            /\/node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\//.exec(line)?.[1] ??
            /\/packages\/([^/]+)\/dist\//.exec(line)?.[1]?.replace(/^/, "@keyrelay/") ??
            line,
        )
      expect([...new Set(packagesLoaded)]).toEqual(packages)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
