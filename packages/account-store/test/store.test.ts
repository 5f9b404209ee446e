import { createHook } from "node:async_hooks"
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import {
  ACCOUNT_STORE_ERROR_CODES,
  type AccountStore,
  openAccountStore,
  type StoreEvent,
} from "../src/index.ts"
import { tempHome } from "./helpers.ts"

const KEY = "sk-ant-api03-test-00000000000000000000wxyz"
const quiet = { watch: false, flushOnExit: false } as const

function mode(path: string): number {
  return statSync(path).mode & 0o777
}

async function withStore<T>(home: string, fn: (store: AccountStore) => Promise<T>, options = {}): Promise<T> {
  const store = await openAccountStore({ home, ...quiet, ...options })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

function waitForEvent(
  store: AccountStore,
  test: (e: StoreEvent) => boolean,
  timeoutMs = 5_000,
): Promise<StoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no matching store event")), timeoutMs)
    const off = store.subscribe((event) => {
      if (!test(event)) return
      clearTimeout(timer)
      off()
      resolve(event)
    })
  })
}

describe("accounts", () => {
  it("adds every credential kind, refuses a duplicate, and never shows a secret", async () => {
    const home = tempHome()
    await withStore(home, async (store) => {
      const key = await store.addAccount({
        label: "work",
        credential: { kind: "api-key", key: KEY },
        tags: ["work"],
      })
      await store.addAccount({ label: "env", credential: { kind: "env", variable: "ANTHROPIC_API_KEY" } })
      await store.addAccount({
        label: "vault",
        credential: {
          kind: "command",
          command: "op read op://vault/anthropic",
          ttlSeconds: 3600,
          timeoutMs: 5000,
        },
      })
      await store.addAccount({ label: "profile", credential: { kind: "profile", profile: "default" } })
      await store.addAccount({
        label: "wif",
        credential: {
          kind: "federation",
          federationRuleId: "fdrl_test01",
          organizationId: "00000000-0000-0000-0000-000000000001",
          serviceAccountId: "svac_test01",
          identityToken: {
            source: "oauth",
            issuer: "https://idp.example.test",
            clientId: "cli",
            scopes: ["openid"],
          },
        },
      })
      expect(store.listAccounts().map((a) => a.credential.kind)).toEqual([
        "api-key",
        "env",
        "command",
        "profile",
        "federation",
      ])
      expect(key.id).toMatch(/^acc_[a-z2-7]{16}$/)
      expect(key.credential).toEqual({ kind: "api-key", hint: "sk-ant-…wxyz" })

      const duplicate = store.addAccount({ label: "again", credential: { kind: "api-key", key: KEY } })
      await expect(duplicate).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.DUPLICATE_CREDENTIAL })
      const error = (await duplicate.catch((e: unknown) => e)) as Error
      expect(`${error.message} ${inspect(error)}`).not.toContain(KEY)

      for (const rendered of [
        inspect(store.listAccounts(), { depth: 9 }),
        JSON.stringify(store.listAccounts()),
      ]) {
        expect(rendered).not.toContain("00000000000000000000")
      }
      expect(Object.isFrozen(store.listAccounts()[0])).toBe(true)
      const secret = await store.getSecret(key.id)
      expect(`${secret}`).toBe("sk-ant-…wxyz")
      expect(secret.reveal()).toBe(KEY)
    })
    // The key is in secrets.json only, once.
    const files = readdirSync(home).filter((n) => n.endsWith(".json"))
    const holding = files.filter((n) => readFileSync(join(home, n), "utf8").includes(KEY))
    expect(holding).toEqual(["secrets.json"])
    expect(readFileSync(join(home, "secrets.json"), "utf8").split(KEY)).toHaveLength(2)
  })

  it("updates, disables with a reason, learns the organization, and validates input", async () => {
    await withStore(tempHome(), async (store) => {
      const a = await store.addAccount({ label: "a", credential: { kind: "env", variable: "A_KEY" } })
      const disabled = await store.updateAccount(a.id, {
        enabled: false,
        disabledReason: "revoked: 401 at 2026-01-01",
      })
      expect(disabled).toMatchObject({ enabled: false, disabledReason: "revoked: 401 at 2026-01-01" })
      const enabled = await store.updateAccount(a.id, { enabled: true, monthlyBudgetUsd: 50, baseUrl: null })
      expect(enabled.disabledReason).toBeUndefined()
      expect(enabled.monthlyBudgetUsd).toBe(50)
      await store.learnOrganization(a.id, { organizationId: "org-1", workspaceId: "wrkspc_1" })
      expect(store.getAccount(a.id)!.learned).toMatchObject({
        organizationId: "org-1",
        workspaceId: "wrkspc_1",
      })
      await expect(store.updateAccount(a.id, { baseUrl: "not a url" })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
      })
      await expect(store.updateAccount("acc_zzzzzzzzzzzzzzzz", { label: "x" })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.ACCOUNT_NOT_FOUND,
      })
      await expect(
        store.addAccount({ label: "", credential: { kind: "env", variable: "B_KEY" } }),
      ).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT })
    })
  })
})

describe("files and permissions", () => {
  it("creates a 0700 directory with 0600 files and a .gitignore", async () => {
    const home = tempHome()
    await withStore(home, async (store) => {
      await store.addAccount({ label: "k", credential: { kind: "api-key", key: KEY } })
      store.recordUsage({ accountId: store.listAccounts()[0]!.id, model: "m" })
      store.recordOutcome({ accountId: store.listAccounts()[0]!.id, class: "ok" })
      await store.flush()
    })
    expect(mode(home)).toBe(0o700)
    for (const name of ["accounts.json", "secrets.json", "state.json", "usage.json"])
      expect(mode(join(home, name))).toBe(0o600)
    expect(readFileSync(join(home, ".gitignore"), "utf8")).toContain("*")
  })

  it("refuses a secrets file others can read, says how to fix it, and never overwrites it", async () => {
    const home = tempHome()
    let id = ""
    await withStore(home, async (store) => {
      id = (await store.addAccount({ label: "k", credential: { kind: "api-key", key: KEY } })).id
    })
    chmodSync(join(home, "secrets.json"), 0o644)
    const before = readFileSync(join(home, "secrets.json"), "utf8")
    await withStore(home, async (store) => {
      expect(store.problems).toMatchObject([
        {
          code: ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS,
          message: expect.stringContaining("chmod 600"),
        },
      ])
      await expect(store.getSecret(id)).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS,
      })
      await expect(
        store.addAccount({ label: "k2", credential: { kind: "api-key", key: `${KEY}2` } }),
      ).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.INSECURE_PERMISSIONS })
      // What does not need secrets keeps working.
      await store.addAccount({ label: "env", credential: { kind: "env", variable: "E" } })
    })
    expect(readFileSync(join(home, "secrets.json"), "utf8")).toBe(before)
    chmodSync(join(home, "secrets.json"), 0o600)
    await withStore(home, async (store) => {
      expect(store.problems).toEqual([])
      expect((await store.getSecret(id)).reveal()).toBe(KEY)
    })
  })
})

describe("corrupt and foreign files", () => {
  it("moves an unparsable or invalid file aside, reports it, and keeps the rest working", async () => {
    const home = tempHome()
    await withStore(home, async (store) => {
      await store.addAccount({ label: "keep", credential: { kind: "env", variable: "KEEP" } })
      await store.updateConfig({ strategy: "round-robin" })
    })
    writeFileSync(join(home, "state.json"), "{ this is not json")
    writeFileSync(join(home, "usage.json"), JSON.stringify({ version: 1, days: { yesterday: {} } }))
    await withStore(home, async (store) => {
      expect(store.problems.map((p) => [p.file, p.code])).toEqual([
        ["state.json", ACCOUNT_STORE_ERROR_CODES.FILE_CORRUPT],
        ["usage.json", ACCOUNT_STORE_ERROR_CODES.FILE_CORRUPT],
      ])
      const moved = store.problems[0]!.movedTo!
      expect(moved).toMatch(/state\.json\.corrupt-\d{4}-\d{2}-\d{2}T/)
      expect(readFileSync(moved, "utf8")).toBe("{ this is not json")
      expect(store.problems[0]!.message).toContain(moved)
      expect(store.listAccounts().map((a) => a.label)).toEqual(["keep"])
      expect(store.config.strategy).toBe("round-robin")
      store.recordUsage({ accountId: store.listAccounts()[0]!.id, model: "m" })
      store.recordOutcome({ accountId: store.listAccounts()[0]!.id, class: "ok" })
      await store.flush()
    })
    expect(JSON.parse(readFileSync(join(home, "state.json"), "utf8")).version).toBe(1)
    expect(readdirSync(home).filter((n) => n.includes(".corrupt-"))).toHaveLength(2)
  })

  it("leaves a file from a newer version untouched and refuses to write it", async () => {
    const home = tempHome()
    const future = JSON.stringify({ version: 99, config: { somethingNew: true } })
    await withStore(home, async () => {})
    writeFileSync(join(home, "config.json"), future, { mode: 0o600 })
    await withStore(home, async (store) => {
      expect(store.problems).toMatchObject([
        { code: ACCOUNT_STORE_ERROR_CODES.FILE_TOO_NEW, file: "config.json" },
      ])
      expect(store.problems[0]!.message).toContain("Upgrade keyrelay")
      await expect(store.updateConfig({ strategy: "x" })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.FILE_TOO_NEW,
      })
      await store.addAccount({ label: "still works", credential: { kind: "env", variable: "W" } })
    })
    expect(readFileSync(join(home, "config.json"), "utf8")).toBe(future)
  })
})

describe("runtime state", () => {
  it("records on the hot path without any I/O, and writes once the debounce fires", async () => {
    const home = tempHome()
    await withStore(
      home,
      async (store) => {
        const id = (await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })).id
        const before = statSync(join(home, "accounts.json")).mtimeMs
        const io: string[] = []
        const hook = createHook({
          init(_id, type) {
            if (/FS|FILE|PIPE|TCP|STATWATCHER|PROCESS/i.test(type)) io.push(type)
          },
        }).enable()
        for (let i = 0; i < 5_000; i++) {
          store.recordOutcome({ accountId: id, class: "ok", health: { score: i, updatedAt: i } })
          store.recordUsage({
            accountId: id,
            model: "claude-test",
            project: "/p",
            inputTokens: 10,
            costMicroUsd: 2,
          })
        }
        hook.disable()
        expect(io).toEqual([])
        expect(readdirSync(home)).not.toContain("usage.json")
        expect(store.usage()[0]).toMatchObject({ requests: 5_000, inputTokens: 50_000, costMicroUsd: 10_000 })
        expect(store.state.accounts[id]!.health!.score).toBe(4_999)
        await waitForEvent(store, (e) => e.type === "change" && e.files.includes("usage.json") && !e.external)
        const usage = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
        expect(Object.values(usage.days)).toHaveLength(1)
        expect(statSync(join(home, "accounts.json")).mtimeMs).toBe(before)
      },
      { flushIntervalMs: 200 },
    )
  })

  it("writes at most once per interval while requests keep coming", async () => {
    const home = tempHome()
    await withStore(
      home,
      async (store) => {
        const id = (await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })).id
        let writes = 0
        store.subscribe((e) => {
          if (e.type === "change" && e.files.includes("state.json")) writes++
        })
        const started = Date.now()
        while (Date.now() - started < 1_300) {
          store.recordOutcome({ accountId: id, class: "ok" })
          await new Promise((r) => setTimeout(r, 5))
        }
        // One write right away, one a second later: never one per request.
        expect(writes).toBeGreaterThanOrEqual(1)
        expect(writes).toBeLessThanOrEqual(2)
      },
      { flushIntervalMs: 1_000 },
    )
  })

  it("merges cooldowns without shortening them; only clearCooldowns removes one", async () => {
    const home = tempHome()
    const a = await openAccountStore({ home, ...quiet })
    const b = await openAccountStore({ home, ...quiet })
    const now = Date.now()
    const cooldown = (until: number) => ({ until, class: "rate-limit", reason: "429", level: 1, since: now })
    a.recordOutcome({
      accountId: "acc_aaaaaaaaaaaaaaaa",
      cooldowns: { "org:o1|sonnet": cooldown(now + 60_000) },
    })
    b.recordOutcome({
      accountId: "acc_aaaaaaaaaaaaaaaa",
      cooldowns: { "org:o1|sonnet": cooldown(now + 5_000) },
    })
    b.recordOutcome({
      accountId: "acc_aaaaaaaaaaaaaaaa",
      rateLimits: {
        "org:o1|sonnet": { observedAt: now, requests: { limit: 50, remaining: 3, resetAt: now + 1 } },
      },
    })
    await a.flush()
    await b.flush()
    expect(b.state.cooldowns["org:o1|sonnet"]!.until).toBe(now + 60_000)
    expect(b.state.rateLimits["org:o1|sonnet"]!.requests).toMatchObject({ remaining: 3 })
    await b.clearCooldowns((key) => key.startsWith("org:o1"))
    await a.reload()
    expect(a.state.cooldowns).toEqual({})
    await a.close()
    await b.close()
  })

  it("reports usage by account, model, project and day, and month-to-date spend against budgets", async () => {
    await withStore(tempHome(), async (store) => {
      const a = await store.addAccount({
        label: "a",
        credential: { kind: "env", variable: "A" },
        monthlyBudgetUsd: 1,
      })
      const b = await store.addAccount({ label: "b", credential: { kind: "env", variable: "B" } })
      store.recordUsage({
        accountId: a.id,
        model: "opus",
        project: "/x",
        costMicroUsd: 700_000,
        cacheReadTokens: 5,
      })
      store.recordUsage({ accountId: a.id, model: "opus", project: "/x", costMicroUsd: 400_000 })
      store.recordUsage({ accountId: b.id, model: "haiku", project: "/y", costMicroUsd: null })
      expect(store.usage({ accountId: a.id })).toMatchObject([
        { requests: 2, costMicroUsd: 1_100_000, cacheReadTokens: 5 },
      ])
      expect(store.usage({ model: "haiku" })).toMatchObject([
        { project: "/y", unpricedRequests: 1, costMicroUsd: 0 },
      ])
      const [budgetA, budgetB] = store.budgets()
      expect(budgetA).toMatchObject({
        accountId: a.id,
        spentMicroUsd: 1_100_000,
        budgetUsd: 1,
        overBudget: true,
      })
      expect(budgetA!.fractionUsed).toBeCloseTo(1.1)
      expect(budgetB).toMatchObject({ unpricedRequests: 1, overBudget: false })
      expect(() => store.recordUsage({ accountId: a.id, model: "opus", inputTokens: -1 })).toThrow(
        expect.objectContaining({ code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT }),
      )
    })
  })
})

describe("several processes' views", () => {
  it("picks up another process's changes and hand edits without a restart", async () => {
    const home = tempHome()
    const writer = await openAccountStore({ home, ...quiet })
    const reader = await openAccountStore({ home, flushOnExit: false, pollIntervalMs: 100 })
    const added = waitForEvent(reader, (e) => e.type === "change" && e.files.includes("accounts.json"))
    await writer.addAccount({ label: "from the CLI", credential: { kind: "env", variable: "CLI" } })
    await added
    expect(reader.listAccounts().map((a) => a.label)).toEqual(["from the CLI"])

    const edited = waitForEvent(reader, (e) => e.type === "change" && e.files.includes("config.json"))
    writeFileSync(
      join(home, "config.json"),
      JSON.stringify({ version: 1, config: { ...reader.config, strategy: "hand" } }),
    )
    await edited
    expect(reader.config.strategy).toBe("hand")
    await writer.close()
    await reader.close()
  })

  it("never brings a removed account back, nor its secrets, state or usage", async () => {
    const home = tempHome()
    const stale = await openAccountStore({ home, ...quiet })
    const cli = await openAccountStore({ home, ...quiet })
    const doomed = await stale.addAccount({ label: "doomed", credential: { kind: "api-key", key: KEY } })
    const kept = await stale.addAccount({ label: "kept", credential: { kind: "env", variable: "KEPT" } })
    await stale.writeTokenSlot(doomed.id, "refresh", { value: "rt-test-000000000000000001" })
    stale.recordUsage({ accountId: doomed.id, model: "m", costMicroUsd: 5 })
    stale.recordOutcome({
      accountId: doomed.id,
      cooldowns: {
        [`acct:${doomed.id}`]: { until: Date.now() + 60_000, class: "x", reason: "r", level: 0, since: 0 },
      },
    })
    stale.recordUsage({ accountId: kept.id, model: "m", costMicroUsd: 1 })
    await cli.reload()
    await cli.removeAccount(doomed.id)

    // The stale process still remembers the account and flushes its pending changes afterwards.
    await stale.flush()
    await expect(stale.updateAccount(doomed.id, { label: "back" })).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.ACCOUNT_NOT_FOUND,
    })
    stale.recordUsage({ accountId: doomed.id, model: "m", costMicroUsd: 5 })
    await stale.flush()
    expect(stale.listAccounts().map((a) => a.label)).toEqual(["kept"])
    await stale.close()
    await cli.close()

    for (const name of ["accounts.json", "secrets.json", "state.json", "usage.json"]) {
      const text = readFileSync(join(home, name), "utf8")
      if (name === "accounts.json") {
        expect(JSON.parse(text).accounts.map((a: { id: string }) => a.id)).toEqual([kept.id])
        expect(JSON.parse(text).deleted).toHaveProperty(doomed.id)
      } else expect(text, name).not.toContain(doomed.id)
    }
    expect(readFileSync(join(home, "usage.json"), "utf8")).toContain(kept.id)
  })
})

describe("token slots and the lock", () => {
  it("serialises read-modify-write of a slot across stores, re-reading after locking", async () => {
    const home = tempHome()
    const stores = await Promise.all([1, 2, 3].map(() => openAccountStore({ home, ...quiet })))
    const id = (await stores[0]!.addAccount({ label: "wif", credential: { kind: "env", variable: "W" } })).id
    for (const s of stores) await s.reload()
    await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 10 }, () =>
          store.updateTokenSlot(id, "counter", (current) => ({
            value: String(Number(current?.value.reveal() ?? 0) + 1),
          })),
        ),
      ),
    )
    const slot = await stores[2]!.readTokenSlot(id, "counter")
    expect(slot!.value.reveal()).toBe("30")
    expect(inspect(slot)).not.toContain("'30'")
    await stores[1]!.writeTokenSlot(id, "counter", null)
    expect(await stores[0]!.readTokenSlot(id, "counter")).toBeUndefined()
    await expect(stores[0]!.readTokenSlot(id, "../etc")).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
    })
    for (const s of stores) await s.close()
  })

  it("lets nested withLock calls through instead of deadlocking", async () => {
    await withStore(tempHome(), async (store) => {
      const order: string[] = []
      await store.withLock(async () => {
        order.push("outer")
        await store.withLock(() => order.push("inner"))
        await store.updateConfig({ strategy: "inside-lock" })
      })
      expect(order).toEqual(["outer", "inner"])
      expect(store.config.strategy).toBe("inside-lock")
    })
  })
})

describe("rules and config", () => {
  it("routes by directory and model globs to accounts and tags, first match wins", async () => {
    await withStore(tempHome(), async (store) => {
      const work = await store.addAccount({
        label: "w",
        credential: { kind: "env", variable: "W" },
        tags: ["work"],
      })
      const acme = await store.addAccount({ label: "acme", credential: { kind: "env", variable: "ACME" } })
      const off = await store.addAccount({
        label: "off",
        credential: { kind: "env", variable: "OFF" },
        tags: ["work"],
      })
      await store.updateAccount(off.id, { enabled: false })
      const rule = await store.addRule({
        match: { directories: ["/src/acme/**"], models: ["claude-opus-*"] },
        use: { accounts: [acme.id] },
        strategy: "sticky",
      })
      await store.addRule({ match: { directories: ["/src/**"] }, use: { tags: ["work"] } })
      expect(store.resolveRoute({ directory: "/src/acme/app", model: "claude-opus-4-1" })).toEqual({
        accountIds: [acme.id],
        ruleId: rule.id,
        strategy: "sticky",
      })
      expect(
        store.resolveRoute({ directory: "/src/acme/app", model: "claude-haiku-4-5" }).accountIds,
      ).toEqual([work.id])
      expect(store.resolveRoute({ directory: "/elsewhere" })).toEqual({ accountIds: [work.id, acme.id] })
      await expect(store.addRule({ match: {}, use: {} })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
      })
      await store.removeRule(rule.id)
      expect(store.listRules()).toHaveLength(1)
    })
  })

  it("validates config updates and keeps defaults", async () => {
    const home = tempHome()
    await withStore(home, async (store) => {
      expect(store.config).toMatchObject({ keychain: false, extraBetas: [], usageRetentionDays: 400 })
      await store.updateConfig({
        waitBudgetMs: 30_000,
        extraBetas: ["context-1m-2025-08-07"],
        pricing: { "claude-opus-*": { inputPerMTok: 15, outputPerMTok: 75 } },
      })
      await expect(store.updateConfig({ maxAttempts: 0 })).rejects.toMatchObject({
        code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
      })
    })
    await withStore(home, async (store) => {
      expect(store.config.pricing["claude-opus-*"]!.outputPerMTok).toBe(75)
      expect(store.config.waitBudgetMs).toBe(30_000)
    })
  })
})
