import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AccountStore, openAccountStore } from "@keyrelay/account-store"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { accountStatuses } from "./account-status.ts"

const NOW = Date.UTC(2026, 10, 28, 8, 0, 0)
const cooldown = (until: number, reason: string) => ({
  until,
  class: "rate-limit",
  reason,
  level: 1,
  since: NOW - 1_000,
})

let home: string
let store: AccountStore
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "keyrelay-status-"))
  store = await openAccountStore({ home, watch: false, flushOnExit: false, now: () => NOW })
})
afterEach(async () => {
  await store.close()
  await rm(home, { recursive: true, force: true })
})

async function pool() {
  const work = await store.addAccount({
    label: "work",
    credential: { kind: "api-key", key: "sk-ant-api03-test-status-work-aaaaaaaaaaaaaaaa" },
  })
  const ci = await store.addAccount({
    label: "work-ci",
    credential: { kind: "api-key", key: "sk-ant-api03-test-status-ci-bbbbbbbbbbbbbbbbbb" },
  })
  const personal = await store.addAccount({
    label: "personal",
    credential: { kind: "api-key", key: "sk-ant-api03-test-status-me-cccccccccccccccccc" },
  })
  await store.learnOrganization(work.id, { organizationId: "org-work", workspaceId: "wrkspc_w" })
  await store.learnOrganization(ci.id, { organizationId: "org-work" })
  return { work, ci, personal }
}

describe("accountStatuses", () => {
  it("gives every account its own, its organization's and its workspace's cooldowns, and no one else's", async () => {
    const { work, ci, personal } = await pool()
    store.recordOutcome({
      accountId: work.id,
      used: false,
      cooldowns: {
        "org:org-work|sonnet-4.x": cooldown(NOW + 60_000, "the organization's sonnet-4.x limit is reached"),
        "ws:wrkspc_w": cooldown(NOW + 120_000, "the workspace's spend limit is reached"),
        [`acct:${personal.id}`]: cooldown(NOW + 30_000, "transport trouble"),
        // Over: never shown.
        [`acct:${ci.id}`]: cooldown(NOW - 1, "over"),
        "not-a-key": cooldown(NOW + 30_000, "ignored"),
      },
    })
    const byLabel = Object.fromEntries(
      accountStatuses({ store, now: () => NOW }).map((s) => [s.account.label, s]),
    )
    expect(byLabel.work?.cooldowns.map((c) => [c.key, c.scope, c.modelClass, c.organizationId])).toEqual([
      ["ws:wrkspc_w", "workspace", undefined, undefined],
      ["org:org-work|sonnet-4.x", "model", "sonnet-4.x", "org-work"],
    ])
    expect(byLabel.work?.status).toBe("cooling")
    // The same organization, another workspace: only the group's cooldown, which stops one model class.
    expect(byLabel["work-ci"]?.cooldowns.map((c) => c.key)).toEqual(["org:org-work|sonnet-4.x"])
    expect(byLabel["work-ci"]?.status).toBe("limited")
    expect(byLabel.personal?.cooldowns.map((c) => [c.scope, c.reason])).toEqual([
      ["account", "transport trouble"],
    ])
    expect(byLabel.personal?.status).toBe("cooling")
  })

  it("says disabled before anything else, and ready when nothing holds an account", async () => {
    const { work, personal } = await pool()
    await store.updateAccount(work.id, { enabled: false, disabledReason: "revoked or expired: 401" })
    store.recordOutcome({
      accountId: work.id,
      cooldowns: { [`acct:${work.id}`]: cooldown(NOW + 1_000, "401") },
    })
    const statuses = accountStatuses({ store, now: () => NOW })
    expect(statuses.map((s) => s.status)).toEqual(["disabled", "ready", "ready"])
    expect(statuses.find((s) => s.account.id === personal.id)?.organizationId).toBeUndefined()
  })

  it("reports headroom per limit group (refilling toward the reset), newest snapshot first", async () => {
    const { work, personal } = await pool()
    store.recordOutcome({
      accountId: work.id,
      rateLimits: {
        "org:org-work|sonnet-4.x": {
          observedAt: NOW - 10_000,
          requests: { limit: 100, remaining: 20, resetAt: NOW + 30_000 },
        },
        "org:org-work|opus-4.x": {
          observedAt: NOW - 5_000,
          tokens: { limit: 1000, remaining: 1000 },
        },
        [`acct:${personal.id}|haiku-4.5`]: { observedAt: NOW, requests: { limit: 10, remaining: 5 } },
        // Not a limit group (no model class): ignored.
        "org:org-work": { observedAt: NOW, requests: { limit: 10, remaining: 0 } },
      },
    })
    const [workStatus, ciStatus, personalStatus] = accountStatuses({ store, now: () => NOW })
    expect(workStatus?.limits.map((l) => [l.key, l.organizationId, l.modelClass])).toEqual([
      ["org:org-work|opus-4.x", "org-work", "opus-4.x"],
      ["org:org-work|sonnet-4.x", "org-work", "sonnet-4.x"],
    ])
    // 20 % left, a quarter of the way from the snapshot to the reset: 0.2 + 0.8 × 0.25 = 0.4.
    expect(workStatus?.limits[1]?.headroom).toBeCloseTo(0.4, 6)
    expect(workStatus?.limits[0]?.headroom).toBe(1)
    expect(ciStatus?.limits).toHaveLength(2)
    expect(personalStatus?.limits.map((l) => [l.modelClass, l.organizationId, l.headroom])).toEqual([
      ["haiku-4.5", undefined, 0.5],
    ])
  })

  it("reads health with its recovery, the last outcome and the month's spend", async () => {
    const { work, ci } = await pool()
    await store.updateAccount(ci.id, { monthlyBudgetUsd: 1 })
    store.recordOutcome({
      accountId: work.id,
      class: "rate-limit",
      status: 429,
      reason: "rate limited",
      health: { score: 10, updatedAt: NOW },
    })
    store.recordUsage({
      accountId: ci.id,
      model: "claude-sonnet-4-5",
      project: "/work/app",
      at: NOW,
      requests: 1,
      inputTokens: 10,
      outputTokens: 10,
      costMicroUsd: 500_000,
    })
    const [workStatus, ciStatus] = accountStatuses({ store, now: () => NOW })
    expect(workStatus?.health).toBe(10)
    expect(workStatus?.healthUsable).toBe(false)
    expect(workStatus?.lastOutcome).toEqual({
      class: "rate-limit",
      status: 429,
      reason: "rate limited",
      at: NOW,
    })
    expect(workStatus?.lastUsedAt).toBe(NOW)
    expect(ciStatus?.health).toBe(70)
    expect(ciStatus?.healthUsable).toBe(true)
    expect(ciStatus?.budget).toMatchObject({ spentMicroUsd: 500_000, budgetUsd: 1, overBudget: false })
    // An hour later the health has recovered some of the way back.
    const later = accountStatuses({ store, now: () => NOW + 3_600_000 })[0]
    expect(later?.health).toBeGreaterThan(10)
  })

  it("takes a federation account's organization and workspace from its credential until they are learned", async () => {
    const federation = await store.addAccount({
      label: "wif",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_01status",
        organizationId: "org-wif",
        serviceAccountId: "svac_01status",
        workspaceId: "wrkspc_wif",
        identityToken: { source: "file", path: "/nonexistent/token" },
      },
    })
    store.recordOutcome({
      accountId: federation.id,
      used: false,
      cooldowns: { "org:org-wif": cooldown(NOW + 60_000, "credit balance too low") },
    })
    const [status] = accountStatuses({ store, now: () => NOW })
    expect(status).toMatchObject({ organizationId: "org-wif", workspaceId: "wrkspc_wif", status: "cooling" })
    expect(status?.cooldowns.map((c) => [c.scope, c.organizationId])).toEqual([["organization", "org-wif"]])
  })
})
