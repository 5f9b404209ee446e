import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2eWorld, explain, messages, poolSandbox, run, startWorld } from "./_opencode-e2e.ts"

describe("keyrelay in the real OpenCode", () => {
  let world: E2eWorld
  beforeAll(async () => {
    world = await startWorld()
  })
  afterAll(async () => {
    await world?.close()
  })

  it("serves a run from the pool", async () => {
    const { sandbox } = await poolSandbox(world, [
      { label: "work", apiKey: world.keys.work },
      { label: "personal", apiKey: world.keys.personal },
    ])
    try {
      const result = await run(world, { sandbox })
      console.log(explain(result))
      console.log(
        JSON.stringify(
          messages(result).map((r) => [r.headers["user-agent"], r.credential?.label, r.response?.status]),
        ),
      )
      expect(result.exitCode).toBe(0)
    } finally {
      await sandbox.remove()
    }
  }, 240_000)
})
