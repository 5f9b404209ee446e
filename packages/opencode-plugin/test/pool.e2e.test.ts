// The real OpenCode 1.18.33 with the built plugin: a run served from the pool (what the wire carries, what the
// store records), and OpenCode left alone when the pool cannot serve and OpenCode has a key of its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  allRuns,
  type E2eWorld,
  expectHonestWire,
  explain,
  keyrelayLog,
  messages,
  openStore,
  poolSandbox,
  type Run,
  run,
  startWorld,
} from "./_opencode-e2e.ts"

const TIMEOUT = 400_000

describe("keyrelay in the real OpenCode", () => {
  let world: E2eWorld
  const alone: Run[] = []
  beforeAll(async () => {
    world = await startWorld()
  })
  afterAll(async () => {
    await world?.close()
  })

  it(
    "serves OpenCode's requests from the pool and records their usage and cost",
    async () => {
      const { sandbox, home } = await poolSandbox(world, [
        { label: "work", apiKey: world.keys.work },
        { label: "work-ci", apiKey: world.keys.workCi },
        { label: "personal", apiKey: world.keys.personal },
      ])
      try {
        const result = await run(world, { sandbox })
        expect(result.exitCode, explain(result)).toBe(0)
        const sent = messages(result)
        expect(sent.map((r) => (r.body as { model: string }).model)).toEqual([
          "claude-haiku-4-5-20251001",
          "claude-sonnet-4-5",
        ])
        for (const request of sent) {
          expect(request.credential?.label).toBe("work")
          expect(request.headers["x-api-key"]).not.toBe("")
          expect(request.response?.status).toBe(200)
        }
        // Which account serves, on change only: once per model class, both through OpenCode's toast API.
        const serving = result.toasts
          .flatMap((t) => t.message.split("\n"))
          .filter((m) => m.includes("serves"))
        expect(serving).toEqual(['account "work" serves haiku-4.5.', 'account "work" serves sonnet-4.x.'])
        expect(result.toasts.every((t) => t.title === "keyrelay" && t.variant === "info")).toBe(true)

        const store = await openStore(home)
        try {
          const work = store.listAccounts().find((a) => a.label === "work")!
          expect(work.learned?.organizationId).toBe("11111111-1111-4111-8111-111111111111")
          const rows = store.usage({ accountId: work.id })
          expect(rows.map((r) => r.model).sort()).toEqual([
            "claude-haiku-4-5-20251001",
            "claude-sonnet-4-5-20250929",
          ])
          for (const row of rows) {
            expect(row.requests).toBe(1)
            expect(row.inputTokens + row.cacheWrite5mTokens + row.cacheReadTokens).toBeGreaterThan(0)
            expect(row.outputTokens).toBeGreaterThan(0)
            expect(row.costMicroUsd).toBeGreaterThan(0)
            expect(row.project).toBe(sandbox.project)
          }
        } finally {
          await store.close()
        }
      } finally {
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it(
    "leaves OpenCode alone when the pool has no account and OpenCode has a key of its own",
    async () => {
      const { sandbox } = await poolSandbox(world, [])
      try {
        const result = await run(world, {
          sandbox,
          title: "alone",
          auth: { anthropic: { type: "api", key: world.keys.personal } },
        })
        alone.push(result)
        expect(result.exitCode, explain(result)).toBe(0)
        const [request] = messages(result)
        expect(request?.credential?.label).toBe("personal")
        expect(keyrelayLog(result).join("\n")).toContain("OpenCode uses its own Anthropic credential")
      } finally {
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it("every run said on the wire that it came through keyrelay, and reached nothing but loopback", () => {
    expect(allRuns.length).toBeGreaterThan(0)
    expectHonestWire(allRuns, { withoutKeyrelay: alone })
  })
})
