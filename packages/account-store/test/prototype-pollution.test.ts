import { readFileSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { ACCOUNT_STORE_ERROR_CODES, openAccountStore } from "../src/index.ts"
import { tempHome } from "./helpers.ts"

/** Read through a variable: written out, `x.__proto__` is the prototype accessor to a linter. */
const PROTO = "__proto__"

// Keys that reach Object.prototype, or read as functions, on an ordinary object. Project names are directories
// and model ids come from request bodies: a store must take them as names like any other.
const NAMES = ["__proto__", "constructor", "prototype"] as const
const quiet = { watch: false, flushOnExit: false } as const
const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"
const DAY = "2026-03-10"
const NOON = Date.parse(`${DAY}T12:00:00Z`)

const prototypeNames = Object.getOwnPropertyNames(Object.prototype)

/** Fails if anything was added to Object.prototype (and removes it, so one failure does not spoil the rest). */
function expectUnpolluted(): void {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((n) => !prototypeNames.includes(n))
  for (const name of added) delete (Object.prototype as Record<string, unknown>)[name]
  expect(added, "keys added to Object.prototype").toEqual([])
  expect(({} as Record<string, unknown>).inputTokens).toBeUndefined()
}

afterEach(() => {
  for (const name of Object.getOwnPropertyNames(Object.prototype))
    if (!prototypeNames.includes(name)) delete (Object.prototype as Record<string, unknown>)[name]
})

function counters(input: number) {
  return {
    requests: 1,
    inputTokens: input,
    outputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    costMicroUsd: input,
    unpricedRequests: 0,
  }
}

const cooldown = (level: number) => ({
  until: NOON + 3_600_000,
  class: "rate-limit",
  reason: "429",
  level,
  since: NOON,
})

/** `model|project` → input tokens, for every usage row of one account. */
function inputByCell(rows: { accountId: string; model: string; project: string; inputTokens: number }[]) {
  return Object.fromEntries(rows.map((r) => [`${r.accountId}|${r.model}|${r.project}`, r.inputTokens]))
}

/** Own-key view of a parsed file's map, so an own `__proto__` key shows as one. */
function ownEntries(value: object): [string, unknown][] {
  return Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]])
}

describe("outside names as keys", () => {
  it("records usage under a model, project or account named __proto__, constructor or prototype, and writes it back", async () => {
    const home = tempHome()
    const store = await openAccountStore({ home, ...quiet, now: () => NOON })
    const { id } = await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })
    const expected: Record<string, number> = {}
    for (const [i, name] of NAMES.entries()) {
      const usage = (accountId: string, model: string, project: string, tokens: number) =>
        store.recordUsage({ accountId, model, project, inputTokens: tokens, costMicroUsd: tokens })
      usage(id, name, name, 100 + i)
      usage(id, "claude-test", name, 200 + i)
      usage(id, name, "/home/me/app", 300 + i)
      usage(name, "claude-test", "-", 400 + i)
      expected[`${id}|${name}|${name}`] = 100 + i
      expected[`${id}|claude-test|${name}`] = 200 + i
      expected[`${id}|${name}|/home/me/app`] = 300 + i
      expected[`${name}|claude-test|-`] = 400 + i
    }
    expectUnpolluted()
    expect(inputByCell(store.usage())).toEqual(expected)
    // The month's spend counts the cells under those names too (600 + 3i for each of the three names).
    expect(store.budgets()).toMatchObject([{ accountId: id, spentMicroUsd: 1809 }])
    await store.flush()
    expectUnpolluted()
    const file = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
    expect(ownEntries(file.days[DAY][id][PROTO])).toEqual([
      ["__proto__", counters(100)],
      ["/home/me/app", counters(300)],
    ])
    await store.close()

    // Another process reads them back as they were, and adds to the same cells.
    const again = await openAccountStore({ home, ...quiet, now: () => NOON })
    expect(inputByCell(again.usage())).toEqual(expected)
    expect(again.budgets()).toMatchObject([{ accountId: id, spentMicroUsd: 1809 }])
    for (const name of NAMES)
      again.recordUsage({ accountId: id, model: name, project: name, inputTokens: 1, costMicroUsd: 1 })
    await again.close()
    expectUnpolluted()
    const third = await openAccountStore({ home, ...quiet, now: () => NOON })
    const rows = inputByCell(third.usage())
    for (const [i, name] of NAMES.entries()) expect(rows[`${id}|${name}|${name}`]).toBe(101 + i)
    expect(Object.keys(rows)).toHaveLength(Object.keys(expected).length)
    await third.close()
    expectUnpolluted()
  })

  it("keeps the state of an account, a cooldown and a rate-limit snapshot under such keys apart", async () => {
    const home = tempHome()
    const store = await openAccountStore({ home, ...quiet, now: () => NOON })
    // JSON.parse makes `__proto__` an own key, as a key built from outside data would be.
    const cooldowns = JSON.parse(
      JSON.stringify({ cd: cooldown(2), constructor: cooldown(3), prototype: cooldown(4) }).replace(
        '"cd"',
        '"__proto__"',
      ),
    )
    const rateLimits = JSON.parse('{"__proto__":{"observedAt":5,"requests":{"remaining":1}}}')
    for (const name of NAMES)
      store.recordOutcome({ accountId: name, class: "ok", health: { score: 90, updatedAt: NOON } })
    store.recordOutcome({ accountId: ACCOUNT, used: false, cooldowns, rateLimits })
    expectUnpolluted()
    const check = (state: typeof store.state) => {
      for (const name of NAMES) {
        expect(Object.hasOwn(state.accounts, name), name).toBe(true)
        expect(state.accounts[name]!.health).toEqual({ score: 90, updatedAt: NOON })
      }
      expect(Object.keys(state.cooldowns).sort()).toEqual([...NAMES].sort())
      const levels = Object.fromEntries(NAMES.map((name) => [name, state.cooldowns[name as string]!.level]))
      expect(levels).toEqual({ [PROTO]: 2, constructor: 3, prototype: 4 })
      expect(Object.keys(state.rateLimits)).toEqual(["__proto__"])
      expect(state.rateLimits[PROTO]!.requests).toEqual({ remaining: 1 })
      // No inherited member answers for a missing key.
      expect(state.cooldowns.toString).toBeUndefined()
      expect(state.accounts.hasOwnProperty).toBeUndefined()
    }
    check(store.state)
    await store.close()
    expectUnpolluted()
    const file = JSON.parse(readFileSync(join(home, "state.json"), "utf8"))
    expect(Object.keys(file.accounts).sort()).toEqual([...NAMES, ACCOUNT].sort())
    expect(Object.keys(file.cooldowns).sort()).toEqual([...NAMES].sort())
    const again = await openAccountStore({ home, ...quiet, now: () => NOON })
    check(again.state)
    await again.close()
    expectUnpolluted()
  })

  it("refuses a patch that names __proto__, and keeps prices and token slots under such names", async () => {
    const home = tempHome()
    const store = await openAccountStore({ home, ...quiet })
    const { id } = await store.addAccount({ label: "a", credential: { kind: "env", variable: "A" } })
    // Once, its `__proto__` became the prototype of the account being validated and smuggled a budget in.
    const patch = JSON.parse('{"label":"b","__proto__":{"monthlyBudgetUsd":1}}')
    await expect(store.updateAccount(id, patch)).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
    })
    expect(store.getAccount(id)).toMatchObject({ label: "a" })
    expect(store.getAccount(id)!.monthlyBudgetUsd).toBeUndefined()
    await expect(
      store.updateConfig(JSON.parse('{"__proto__":{"usageRetentionDays":1}}')),
    ).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT })
    expect(store.config.usageRetentionDays).toBe(400)
    const prices = { inputPerMTok: 1, outputPerMTok: 2 }
    const pricing = JSON.parse(
      `{"__proto__":${JSON.stringify(prices)},"constructor":${JSON.stringify(prices)}}`,
    )
    await store.updateConfig({ pricing })
    expect(Object.keys(store.config.pricing)).toEqual(["__proto__", "constructor"])
    await store.writeTokenSlot(id, "constructor", { value: "token-constructor" })
    await store.writeTokenSlot(id, "prototype", { value: "token-prototype" })
    expect((await store.readTokenSlot(id, "constructor"))?.value.reveal()).toBe("token-constructor")
    expect(await store.readTokenSlot(id, "hasOwnProperty")).toBeUndefined()
    await store.close()
    expectUnpolluted()
    const again = await openAccountStore({ home, ...quiet })
    expect(Object.keys(again.config.pricing)).toEqual(["__proto__", "constructor"])
    expect(again.config.pricing[PROTO]).toEqual(prices)
    expect((await again.readTokenSlot(id, "prototype"))?.value.reveal()).toBe("token-prototype")
    await again.close()
    expectUnpolluted()
  })
})

describe("crafted files", () => {
  async function craftedHome(files: Record<string, string>): Promise<string> {
    const home = tempHome()
    await mkdir(home, { recursive: true, mode: 0o700 })
    for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text, { mode: 0o600 })
    return home
  }

  it("reads a usage.json holding __proto__, constructor and prototype keys at every level, adds to it and writes it back", async () => {
    const c = (n: number) => JSON.stringify(counters(n))
    const day = `{"${ACCOUNT}":{"__proto__":{"__proto__":${c(1)},"constructor":${c(2)}},"prototype":{"-":${c(3)}}},"__proto__":{"constructor":{"prototype":${c(4)}}}}`
    const text = `{"version":1,"days":{"${DAY}":${day}}}`
    const home = await craftedHome({ "usage.json": text })
    const expected = {
      [`${ACCOUNT}|__proto__|__proto__`]: 1,
      [`${ACCOUNT}|__proto__|constructor`]: 2,
      [`${ACCOUNT}|prototype|-`]: 3,
      "__proto__|constructor|prototype": 4,
    }
    const store = await openAccountStore({ home, ...quiet, now: () => NOON })
    expect(inputByCell(store.usage())).toEqual(expected)
    expectUnpolluted()
    expect(store.problems).toEqual([])
    const usage = { inputTokens: 10, costMicroUsd: 10, requests: 0 }
    store.recordUsage({ accountId: ACCOUNT, model: "__proto__", project: "__proto__", ...usage })
    store.recordUsage({ accountId: "__proto__", model: "constructor", project: "prototype", ...usage })
    expectUnpolluted()
    await store.close()
    expectUnpolluted()
    expect(store.problems).toEqual([])
    const written = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
    expect(ownEntries(written.days[DAY][ACCOUNT][PROTO])).toEqual([
      ["__proto__", counters(11)],
      ["constructor", counters(2)],
    ])
    const again = await openAccountStore({ home, ...quiet, now: () => NOON })
    expect(inputByCell(again.usage())).toMatchObject({
      ...expected,
      [`${ACCOUNT}|__proto__|__proto__`]: 11,
      "__proto__|constructor|prototype": 14,
    })
    await again.close()
    expectUnpolluted()
  })

  it("reads a state.json holding such keys in every map and keeps them through a merge and a write", async () => {
    const c = (level: number) => JSON.stringify(cooldown(level))
    const text = `{"version":1,"accounts":{"__proto__":{"lastUsedAt":5},"constructor":{"lastUsedAt":6}},"cooldowns":{"__proto__":${c(1)},"constructor":${c(2)},"prototype":${c(3)}},"rateLimits":{"__proto__":{"observedAt":1},"constructor":{"observedAt":2}}}`
    const home = await craftedHome({ "state.json": text })
    const store = await openAccountStore({ home, ...quiet, now: () => NOON })
    expectUnpolluted()
    expect(store.problems).toEqual([])
    expect(store.state.accounts[PROTO]).toEqual({ lastUsedAt: 5 })
    expect(store.state.accounts.constructor).toEqual({ lastUsedAt: 6 })
    expect(Object.keys(store.state.cooldowns)).toEqual(["__proto__", "constructor", "prototype"])
    expect(store.state.rateLimits.constructor).toEqual({ observedAt: 2 })
    // Merged with this process's own records under the same keys.
    store.recordOutcome({ accountId: "__proto__", at: 50 })
    store.recordOutcome({ accountId: ACCOUNT, used: false, cooldowns: JSON.parse(`{"__proto__":${c(4)}}`) })
    await store.close()
    expectUnpolluted()
    const written = JSON.parse(readFileSync(join(home, "state.json"), "utf8"))
    expect(ownEntries(written.accounts)).toEqual([
      ["__proto__", { lastUsedAt: 50 }],
      ["constructor", { lastUsedAt: 6 }],
      [ACCOUNT, {}],
    ])
    expect(ownEntries(written.cooldowns).map(([k, v]) => [k, (v as { level: number }).level])).toEqual([
      ["__proto__", 4],
      ["constructor", 2],
      ["prototype", 3],
    ])
    expect(Object.keys(written.rateLimits)).toEqual(["__proto__", "constructor"])
  })

  it("keeps tombstones, prices and secrets under such keys without polluting anything", async () => {
    const prices = JSON.stringify({ inputPerMTok: 3, outputPerMTok: 15 })
    const home = await craftedHome({
      "accounts.json": `{"version":1,"accounts":[],"deleted":{"__proto__":1,"constructor":2}}`,
      "config.json": `{"version":1,"config":{"extraBetas":[],"pricing":{"__proto__":${prices}},"toasts":{"enabled":true},"keychain":false,"usageRetentionDays":400}}`,
      "secrets.json": `{"version":1,"entries":{"__proto__":{"value":"sk-ant-api03-test-proto-fake","updatedAt":1}}}`,
    })
    const store = await openAccountStore({ home, ...quiet })
    expectUnpolluted()
    expect(store.problems).toEqual([])
    expect(store.config.pricing[PROTO]).toEqual(JSON.parse(prices))
    const { id } = await store.addAccount({
      label: "a",
      credential: { kind: "api-key", key: "sk-ant-api03-test-00000000000000000000abcd" },
    })
    expect((await store.getSecret(id)).reveal()).toBe("sk-ant-api03-test-00000000000000000000abcd")
    await store.updateConfig({ toasts: { enabled: false } })
    await store.close()
    expectUnpolluted()
    const accounts = JSON.parse(readFileSync(join(home, "accounts.json"), "utf8"))
    expect(ownEntries(accounts.deleted)).toEqual([
      ["__proto__", 1],
      ["constructor", 2],
    ])
    const config = JSON.parse(readFileSync(join(home, "config.json"), "utf8"))
    expect(ownEntries(config.config.pricing)).toEqual([["__proto__", JSON.parse(prices)]])
    // A secret under no account's ref is collected at the next account write, as any stray secret is.
    const secrets = JSON.parse(readFileSync(join(home, "secrets.json"), "utf8"))
    expect(Object.keys(secrets.entries)).toEqual([`key:${id}`])
  })
})
