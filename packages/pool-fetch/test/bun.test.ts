// OpenCode runs plugins inside Bun 1.3.14: the built pool-fetch must serve there too. The mock runs in this Node
// process; Bun runs the smoke script against it.
import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { startMockAnthropic } from "@keyrelay/test-utils"
import { describe, expect, it } from "vitest"
import { KEYS, mockConfig } from "./_pool.ts"

const root = fileURLToPath(new URL("..", import.meta.url))

describe("under Bun", () => {
  it("serves JSON and streams, records usage, emits events", async () => {
    const mock = await startMockAnthropic(mockConfig())
    const home = await mkdtemp(join(tmpdir(), "keyrelay-bun-"))
    try {
      // Bun's fetch does not go through node:net, so the loopback guard cannot watch it; the script only calls the
      // mock on 127.0.0.1, which the request log below confirms.
      const { stdout } = await promisify(execFile)(
        join(root, "../../node_modules/.bin/bun"),
        [join(root, "test/bun-smoke.mjs")],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            NO_PROXY: "*",
            KEYRELAY_HOME: home,
            MOCK_URL: mock.url,
            KEYS: JSON.stringify([["a1", KEYS.a1]]),
          },
        },
      )
      const result = JSON.parse(stdout.trim().split("\n").at(-1) as string)
      expect(result.runtime).toBe("bun 1.3.14")
      expect(result.json).toEqual({ status: 200, type: "message" })
      expect(result.stream).toEqual({ status: 200, complete: true })
      expect(result.requests).toBe(2)
      expect(result.events).toContain("account-switched")
      expect(mock.requests.map((r) => r.credential?.label)).toEqual(["a1", "a1"])
      expect(mock.requests[0]?.headers["user-agent"]).toMatch(/^opencode\/1\.18\.33 keyrelay\//)
    } finally {
      await mock.close()
      await rm(home, { recursive: true, force: true })
    }
  })
})
