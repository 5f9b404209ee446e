// Failures the pool handles while the real OpenCode 1.18.33 runs through it: a revoked key, a rate-limited
// organization, a spend cap, and every account limited. Pool accounts: work and work-ci (organization Work), personal
// (organization Personal), in that order, so the pool's first pick is "work".
import type { AccountStore } from "@keyrelay/account-store"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  allRuns,
  type E2eWorld,
  expectHonestWire,
  explain,
  messages,
  openStore,
  poolSandbox,
  run,
  startWorld,
} from "./_opencode-e2e.ts"

const TIMEOUT = 400_000
const WORK_ORG = "11111111-1111-4111-8111-111111111111"
const PERSONAL_ORG = "22222222-2222-4222-8222-222222222222"

describe("failover in the real OpenCode", () => {
  let world: E2eWorld
  beforeAll(async () => {
    world = await startWorld()
  })
  afterAll(async () => {
    await world?.close()
  })

  // `known`: the pool already learned each account's organization (from earlier responses, or `keyrelay test`);
  // until it has, it cannot know that work-ci shares work's limits.
  const threeAccounts = (known = true) =>
    poolSandbox(world, [
      { label: "work", apiKey: world.keys.work, ...(known ? { organizationId: WORK_ORG } : {}) },
      { label: "work-ci", apiKey: world.keys.workCi, ...(known ? { organizationId: WORK_ORG } : {}) },
      { label: "personal", apiKey: world.keys.personal, ...(known ? { organizationId: PERSONAL_ORG } : {}) },
    ])

  async function inStore<T>(home: string, read: (store: AccountStore) => T): Promise<T> {
    const store = await openStore(home)
    try {
      return read(store)
    } finally {
      await store.close()
    }
  }

  it(
    "a revoked key is disabled and the run still succeeds",
    async () => {
      const { sandbox, home } = await threeAccounts(false)
      world.mock.setState({ credential: "work" }, "revoked")
      try {
        const result = await run(world, { sandbox, title: "revoked" })
        expect(result.exitCode, explain(result)).toBe(0)
        const sent = messages(result)
        expect(sent.map((r) => [r.credential?.label, r.response?.status])).toEqual([
          ["work", 401],
          ["work-ci", 200],
        ])
        const work = await inStore(home, (store) => store.listAccounts().find((a) => a.label === "work"))
        expect(work?.enabled).toBe(false)
        expect(work?.disabledReason).toMatch(/401/)
        const errors = result.toasts.filter((t) => t.variant === "error")
        expect(errors.map((t) => t.message)).toEqual([expect.stringMatching(/account "work" was disabled/)])
        expect(JSON.stringify(result.toasts)).not.toContain(world.keys.work)
      } finally {
        world.mock.setState({ credential: "work" }, "active")
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it(
    "a 429 cools the whole organization and the other organization serves",
    async () => {
      const { sandbox, home } = await threeAccounts()
      world.mock.script({
        match: { organizationId: WORK_ORG },
        respond: { kind: "error", error: "rate-limit", retryAfter: 120 },
      })
      try {
        const result = await run(world, { sandbox, title: "rate-limited" })
        expect(result.exitCode, explain(result)).toBe(0)
        // work-ci shares work's organization, so it is never tried: the Personal organization serves.
        expect(messages(result).map((r) => [r.credential?.label, r.response?.status])).toEqual([
          ["work", 429],
          ["personal", 200],
        ])
        const cooldowns = await inStore(home, (store) => store.state.cooldowns)
        const key = Object.keys(cooldowns).find((k) => k.startsWith(`org:${WORK_ORG}|`))
        expect(key, JSON.stringify(cooldowns)).toBeDefined()
        expect(cooldowns[key!]!.until - cooldowns[key!]!.since).toBe(120_000)
        expect(result.toasts.map((t) => t.message).join("\n")).toMatch(/"work" is rate-limited/)
      } finally {
        world.mock.clearScenarios()
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it(
    "a spend-cap 429 marks the organization until next month, and the other organization serves",
    async () => {
      const { sandbox, home } = await threeAccounts()
      world.mock.setState({ organizationId: WORK_ORG }, "spend-cap")
      try {
        const result = await run(world, { sandbox, title: "spend-cap" })
        expect(result.exitCode, explain(result)).toBe(0)
        expect(messages(result).map((r) => [r.credential?.label, r.response?.status])).toEqual([
          ["work", 429],
          ["personal", 200],
        ])
        const cooldowns = await inStore(home, (store) => store.state.cooldowns)
        const now = new Date()
        const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)
        expect(cooldowns[`org:${WORK_ORG}`]?.until).toBe(nextMonth)
        expect(
          result.toasts.some((t) => t.variant === "error" && /organization of "work" is out/.test(t.message)),
        ).toBe(true)
      } finally {
        world.mock.setState({ organizationId: WORK_ORG }, "active")
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it(
    "every account limited: OpenCode stops with a clear error naming when to retry, and the API saw few requests",
    async () => {
      const { sandbox } = await threeAccounts()
      for (const organizationId of [WORK_ORG, PERSONAL_ORG])
        world.mock.script({
          match: { organizationId },
          respond: { kind: "error", error: "rate-limit", retryAfter: 1800 },
          times: "always",
        })
      try {
        const started = Date.now()
        const result = await run(world, { sandbox, title: "all-limited" })
        const elapsed = Date.now() - started
        expect(result.exitCode, explain(result)).not.toBe(0)
        const sent = messages(result)
        console.log(
          `all accounts limited: ${sent.length} requests reached the mock (${sent.map((r) => r.credential?.label).join(", ")}); OpenCode ran ${elapsed} ms`,
        )
        // One request per organization (work-ci shares work's cooling group); OpenCode's own retries are answered
        // by the pool without reaching the API.
        expect(sent.map((r) => r.credential?.label)).toEqual(["work", "personal"])
        const printed = `${result.stdout}\n${result.stderr}`
        console.log(
          printed
            .split("\n")
            .filter((line) => line.includes("Error: "))
            .join("\n"),
        )
        expect(printed).toMatch(/Error: .*keyrelay/)
        expect(printed).toMatch(/"work".*\d{4}-\d\d-\d\dT\d\d:\d\d/)
        expect(result.toasts.some((t) => t.variant === "error")).toBe(true)
      } finally {
        world.mock.clearScenarios()
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it("every run said on the wire that it came through keyrelay, and reached nothing but loopback", () => {
    expect(allRuns).toHaveLength(4)
    expectHonestWire(allRuns)
  })
})
