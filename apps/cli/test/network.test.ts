import type { MockAnthropic } from "@keyrelay/test-utils"
import {
  Browser,
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  type OidcProvider,
  startOidcProvider,
} from "@keyrelay/test-utils/oidc-provider"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createSandbox, expectSchema, type Sandbox, SENTINELS, startMock } from "./support.ts"

let mock: MockAnthropic
let idp: OidcProvider
let sandbox: Sandbox
beforeAll(async () => {
  idp = await startOidcProvider()
  mock = await startMock({
    issuers: [{ issuer: idp.issuer }],
    federationRules: [
      {
        id: "fdrl_01cli",
        issuer: idp.issuer,
        organizationId: "11111111-1111-4111-8111-111111111111",
        serviceAccountId: "svac_01cli",
      },
    ],
  })
})
afterAll(async () => {
  await mock.close()
  await idp.close()
})
beforeEach(() => {
  sandbox = createSandbox()
  mock.clearScenarios()
})
afterEach(() => sandbox.cleanup())

async function addKey(label: string, key: string) {
  const run = await sandbox.run(["add", label, "--key-stdin", "--base-url", mock.url], { input: key })
  expect(run.code, run.stderr).toBe(0)
}

describe("test", () => {
  it("proves each account with GET /v1/models, learns organization and workspace, and reports latency", async () => {
    await addKey("work", SENTINELS.work)
    await addKey("personal", SENTINELS.personal)
    mock.clearRequests()
    const run = await sandbox.run(["test", "--json"])
    expect(run.code, run.stderr).toBe(0)
    expectSchema("test", run.json)
    const results = (run.json as { ok: boolean; results: Record<string, unknown>[] }).results
    expect(results.map((r) => [r.label, r.ok, r.status, r.organizationId, r.workspaceId])).toEqual([
      ["work", true, 200, "11111111-1111-4111-8111-111111111111", "wrkspc_01WorkDefault"],
      ["personal", true, 200, "22222222-2222-4222-8222-222222222222", "wrkspc_01Personal"],
    ])
    expect(results.every((r) => typeof r.latencyMs === "number" && (r.models as number) > 0)).toBe(true)
    expect(mock.requests.map((r) => [r.method, r.path])).toEqual([
      ["GET", "/v1/models"],
      ["GET", "/v1/models"],
    ])
    expect(mock.requests[0]!.headers["user-agent"]).toMatch(/^keyrelay-cli\/\S+ keyrelay\/\S+/)
    const list = await sandbox.run(["list"], { env: { COLUMNS: "250" } })
    expect(list.stdout).toMatch(
      /work\s+api-key\s+11111111-1111-4111-8111-111111111111 \/ wrkspc_01WorkDefault/,
    )
  })

  it("fails clearly (exit 1) for a revoked key, naming the fix, and records the outcome", async () => {
    await addKey("old", SENTINELS.revoked)
    const run = await sandbox.run(["test", "old"])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/old\s+401\s+\d+ ms\s+—\s+auth: /)
    expect(run.stdout).toContain(
      "old: the key was revoked or expired: `keyrelay remove old`, then `keyrelay add old` with a new key",
    )
    const list = await sandbox.run(["list", "--json"])
    const account = (list.json as { accounts: { lastOutcome: { class: string; status: number } }[] })
      .accounts[0]!
    expect(account.lastOutcome).toMatchObject({ class: "auth", status: 401 })
  })

  it("gives up on an account that does not answer within --timeout", async () => {
    await addKey("work", SENTINELS.work)
    mock.script({ match: { path: "/v1/models" }, respond: { kind: "hang" } })
    const run = await sandbox.run(["test", "work", "--timeout", "300", "--json"])
    expect(run.code).toBe(1)
    const result = (run.json as { results: { failure: { class: string; reason: string } }[] }).results[0]!
    expect(result.failure).toEqual({ class: "transport", reason: "no answer within 300 ms", requestId: null })
  })

  it("reports an unreachable base URL as a transport failure", async () => {
    const run0 = await sandbox.run(["add", "gone", "--key-stdin", "--base-url", "http://127.0.0.1:9"], {
      input: SENTINELS.work,
    })
    expect(run0.code).toBe(0)
    const run = await sandbox.run(["test"])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("gone: could not reach http://127.0.0.1:9")
  })
})

describe("rules", () => {
  it("adds, lists, explains and removes rules", async () => {
    await addKey("work", SENTINELS.work)
    await addKey("personal", SENTINELS.personal)
    await sandbox.run(["test"])
    const added = await sandbox.run([
      "rules",
      "add",
      "--dir",
      "/src/client-*/**",
      "--account",
      "personal",
      "--description",
      "client work",
      "--json",
    ])
    expect(added.code, added.stderr).toBe(0)
    expectSchema("rules add", added.json)
    const rule = (added.json as { rule: { id: string; use: { accounts: { label: string }[] } } }).rule
    expect(rule.use.accounts.map((a) => a.label)).toEqual(["personal"])
    const listed = await sandbox.run(["rules", "--json"])
    expectSchema("rules list", listed.json)
    expect((listed.json as { rules: { id: string }[] }).rules.map((r) => r.id)).toEqual([rule.id])

    const inClient = await sandbox.run(["rules", "explain", "/src/client-a/app", "claude-opus-4-5", "--json"])
    expectSchema("rules explain", inClient.json)
    expect(inClient.json).toMatchObject({
      ruleId: rule.id,
      modelClass: expect.stringMatching(/opus/),
      picked: { label: "personal" },
    })
    const statuses = Object.fromEntries(
      (inClient.json as { accounts: { label: string; status: string }[] }).accounts.map((a) => [
        a.label,
        a.status,
      ]),
    )
    expect(statuses).toEqual({ work: "rule-mismatch", personal: "picked" })
    const human = await sandbox.run(["rules", "explain", "/src/client-a/app", "claude-opus-4-5"])
    expect(human.stdout).toContain(`Rule ${rule.id} (client work) matches`)
    expect(human.stdout).toMatch(/→ personal would serve/)
    const elsewhere = await sandbox.run(["rules", "explain", "/home/me/other"])
    expect(elsewhere.stdout).toContain("No rule matches: every enabled account is a candidate.")

    const removed = await sandbox.run(["rules", "remove", "1", "--json"])
    expectSchema("rules remove", removed.json)
    expect(removed.json).toMatchObject({ removed: [rule.id] })
    const gone = await sandbox.run(["rules", "remove", rule.id])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain(`No rule "${rule.id}"`)
  })

  it("explains with a matching rule's own strategy, even when `keyrelay strategy` set another", async () => {
    await addKey("work", SENTINELS.work)
    expect((await sandbox.run(["strategy", "priority"])).code).toBe(0)
    const added = await sandbox.run([
      "rules",
      "add",
      "--dir",
      "/src/client-*/**",
      "--account",
      "work",
      "--strategy",
      "round-robin",
    ])
    expect(added.code, added.stderr).toBe(0)
    const inClient = await sandbox.run(["rules", "explain", "/src/client-a/app", "--json"])
    expect(inClient.json).toMatchObject({ strategy: "round-robin", picked: { label: "work" } })
    const elsewhere = await sandbox.run(["rules", "explain", "/home/me/other", "--json"])
    expect(elsewhere.json).toMatchObject({ strategy: "priority" })
  })

  it("refuses a rule that names no accounts, or an unknown strategy", async () => {
    expect((await sandbox.run(["rules", "add", "--dir", "/x"])).code).toBe(2)
    await sandbox.run(["add", "a", "--env", "A", "--tag", "t"])
    const strategy = await sandbox.run(["rules", "add", "--tag", "t", "--strategy", "fastest"])
    expect(strategy.code).toBe(2)
    expect(strategy.stderr).toContain(
      'Unknown strategy "fastest"; choose one of sticky, round-robin, hybrid, headroom, priority.',
    )
  })
})

describe("login", () => {
  async function addFederation() {
    const run = await sandbox.run([
      "add",
      "wif",
      "--federation-rule",
      "fdrl_01cli",
      "--organization",
      "11111111-1111-4111-8111-111111111111",
      "--service-account",
      "svac_01cli",
      "--oidc-issuer",
      idp.issuer,
      "--oidc-client-id",
      OIDC_CLIENT_ID,
      "--base-url",
      mock.url,
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain("Next: `keyrelay login wif` signs in")
  }

  it("signs in through the loopback redirect, then the account mints Anthropic tokens and passes test", async () => {
    await addFederation()
    const login = sandbox.start(["login", "wif", "--no-browser", "--json"], { input: "" })
    const [url] = await login.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\S*auth\S*\?\S+/)
    // The user's browser: signs in at the provider, which redirects back to the CLI's loopback listener.
    const visit = await new Browser().visit(url!)
    expect(visit.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/)
    const result = await login.done
    expect(result.code, result.stderr).toBe(0)
    expectSchema("login", result.json)
    expect(result.json).toMatchObject({ issuer: idp.issuer, subject: OIDC_ACCOUNT_ID, refreshToken: true })
    const test = await sandbox.run(["test", "wif", "--json"])
    expect(test.code, test.stdout + test.stderr).toBe(0)
    expect(test.json).toMatchObject({
      ok: true,
      results: [{ organizationId: "11111111-1111-4111-8111-111111111111" }],
    })
  })

  it("signs in with the device grant for SSH sessions", async () => {
    await addFederation()
    const login = sandbox.start(["login", "wif", "--device"], { input: "" })
    const [, uri, code] = await login.waitFor(/open (\S+) on any device and enter the code (\S+)\./)
    await new Browser().approveDevice(uri!, code!)
    const result = await login.done
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`Signed in to ${idp.issuer} as ${OIDC_ACCOUNT_ID}; saved for wif.`)
    expect((await sandbox.run(["test", "wif"])).code).toBe(0)
  })

  it("explains why an account cannot sign in", async () => {
    await addKey("work", SENTINELS.work)
    const run = await sandbox.run(["login", "work"])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/signs in only for federation accounts added with --oidc-issuer/)
  })
})
