// What the CLI's test/doctor and the plugin's loader use besides the fetch itself.
import { afterEach, describe, expect, it } from "vitest"
import {
  createPoolFetch,
  explainRoute,
  isPoolFetchError,
  POOL_FETCH_ERROR_CODES,
  testAccount,
} from "../src/index.ts"
import { KEYS, ORG_A, type Pool, startPool } from "./_pool.ts"

let fixture: Pool | undefined
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

describe("testAccount", () => {
  it("proves an account with GET /v1/models, stores its organization, says how long it took", async () => {
    fixture = await startPool()
    const { pool, store, accounts, mock } = fixture
    const result = await pool.testAccount(accounts.a2.id)
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      label: "a2",
      organizationId: ORG_A,
      workspaceId: "wrkspc_a",
    })
    expect(result.models).toBeGreaterThan(0)
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    expect(mock.requests[0]).toMatchObject({ method: "GET", path: "/v1/models" })
    expect(store.getAccount(accounts.a2.id)?.learned?.organizationId).toBe(ORG_A)
  })

  it("classifies a failure as the pool would, without disabling anything", async () => {
    fixture = await startPool()
    const { store, accounts, mock } = fixture
    mock.setState({ credential: "a1" }, "revoked")
    const result = await testAccount({ store, accountId: accounts.a1.id })
    expect(result.ok).toBe(false)
    expect(result.status).toBe(401)
    expect(result.failure?.class).toBe("auth")
    expect(store.getAccount(accounts.a1.id)?.enabled).toBe(true)
  })

  it("an unknown account id is ERR_POOL_ACCOUNT_NOT_FOUND", async () => {
    fixture = await startPool()
    await expect(fixture.pool.testAccount("acc_nope")).rejects.toMatchObject({
      code: POOL_FETCH_ERROR_CODES.ACCOUNT_NOT_FOUND,
    })
  })
})

describe("resolveCredential", () => {
  it("resolves as a request would, and prints redacted", async () => {
    fixture = await startPool()
    const credential = await fixture.pool.resolveCredential(fixture.accounts.b1.id)
    expect(credential.type).toBe("api-key")
    expect(credential.value.reveal()).toBe(KEYS.b1)
    expect(JSON.stringify(credential)).not.toContain(KEYS.b1)
    expect(String(credential.value)).toBe(`sk-ant-…${KEYS.b1.slice(-4)}`)
  })
})

describe("hasUsableAccounts, explainRoute, close, options", () => {
  it("hasUsableAccounts is false without an enabled account within budget", async () => {
    fixture = await startPool({ labels: ["a1"] })
    const { pool, store, accounts } = fixture
    expect(pool.hasUsableAccounts()).toBe(true)
    await store.updateAccount(accounts.a1.id, { enabled: false })
    expect(pool.hasUsableAccounts()).toBe(false)
  })

  it("explainRoute works without a pool", async () => {
    fixture = await startPool()
    const explanation = explainRoute({ store: fixture.store, model: "claude-opus-4-8", fast: true })
    expect(explanation.modelClass).toBe("fast:opus-4.x")
    expect(explanation.picked).toBe(fixture.accounts.a1.id)
  })

  it("a closed pool rejects with ERR_POOL_CLOSED; malformed options throw ERR_POOL_INVALID_OPTIONS", async () => {
    fixture = await startPool()
    const other = await createPoolFetch({ store: fixture.store })
    await other.close()
    await expect(other("https://api.anthropic.com/v1/models")).rejects.toMatchObject({
      code: POOL_FETCH_ERROR_CODES.CLOSED,
    })
    const error = await createPoolFetch({ store: fixture.store, maxAttempts: 0 }).catch((e: unknown) => e)
    expect(isPoolFetchError(error) && error.code).toBe(POOL_FETCH_ERROR_CODES.INVALID_OPTIONS)
  })
})
