// Shared fixture of pool-fetch's integration tests: the mock Anthropic API with three keys in two
// organizations (a1 and a2 share org-a, b1 is alone in org-b), an account store in a temporary home holding
// the same three keys, and a pool fetch over them that records every event it emits.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Account, type AccountStore, openAccountStore } from "@keyrelay/account-store"
import { type MockAnthropic, type MockConfig, startMockAnthropic } from "@keyrelay/test-utils"
import { createPoolFetch, type PoolEvent, type PoolFetch, type PoolFetchOptions } from "../src/index.ts"

export const ORG_A = "org-a"
export const ORG_B = "org-b"
export const KEYS = {
  a1: "sk-ant-api03-test-a1-aaaaaaaaaaaaaaaaaaaaaaaa",
  a2: "sk-ant-api03-test-a2-bbbbbbbbbbbbbbbbbbbbbbbb",
  b1: "sk-ant-api03-test-b1-cccccccccccccccccccccccc",
} as const
export type Label = keyof typeof KEYS

export function mockConfig(): MockConfig {
  return {
    organizations: [
      { id: ORG_A, defaultWorkspaceId: "wrkspc_a" },
      { id: ORG_B, defaultWorkspaceId: "wrkspc_b" },
    ],
    credentials: [
      { label: "a1", apiKey: KEYS.a1, organizationId: ORG_A },
      { label: "a2", apiKey: KEYS.a2, organizationId: ORG_A },
      { label: "b1", apiKey: KEYS.b1, organizationId: ORG_B },
    ],
  }
}

export interface Pool {
  mock: MockAnthropic
  store: AccountStore
  pool: PoolFetch
  events: PoolEvent[]
  accounts: Record<Label, Account>
  home: string
  /** The label of the credential that served each logged request, in order. */
  served(): (string | undefined)[]
  close(): Promise<void>
}

export interface PoolSetup {
  mock?: Partial<MockConfig> & { now?: () => number }
  pool?: Omit<PoolFetchOptions, "store" | "home">
  /** Which keys become accounts, in pool order (default a1, a2, b1). */
  labels?: Label[]
  /** Per-label extras for addAccount. */
  account?: Partial<
    Record<Label, { priority?: number; tags?: string[]; monthlyBudgetUsd?: number; pinned?: boolean }>
  >
  /** Learn organizations before the first request (as after earlier traffic). */
  learned?: boolean
}

export async function startPool(setup: PoolSetup = {}): Promise<Pool> {
  const home = await mkdtemp(join(tmpdir(), "keyrelay-pool-"))
  const { now: mockNow, ...mockExtra } = setup.mock ?? {}
  const mock = await startMockAnthropic({
    ...mockConfig(),
    ...mockExtra,
    ...(mockNow === undefined ? {} : { now: mockNow }),
  })
  const store = await openAccountStore({
    home,
    watch: false,
    flushOnExit: false,
    ...(setup.pool?.now ? { now: setup.pool.now } : {}),
  })
  const accounts = {} as Record<Label, Account>
  for (const label of setup.labels ?? (["a1", "a2", "b1"] as Label[])) {
    accounts[label] = await store.addAccount({
      label,
      credential: { kind: "api-key", key: KEYS[label] },
      baseUrl: mock.url,
      ...(setup.account?.[label] ?? {}),
    })
    if (setup.learned) {
      await store.learnOrganization(accounts[label].id, {
        organizationId: label === "b1" ? ORG_B : ORG_A,
        workspaceId: label === "b1" ? "wrkspc_b" : "wrkspc_a",
      })
    }
  }
  const events: PoolEvent[] = []
  const pool = await createPoolFetch({
    store,
    onEvent: (event) => events.push(event),
    ...setup.pool,
  })
  return {
    mock,
    store,
    pool,
    events,
    accounts,
    home,
    served: () => mock.requests.map((r) => r.credential?.label),
    async close() {
      await pool.close()
      await store.close()
      await mock.close()
      await rm(home, { recursive: true, force: true })
    },
  }
}

export const HELLO = {
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user", content: "Hello" }],
}

/** A Messages request through the pool, as a host would send it (its own placeholder key, removed by the pool). */
export function send(
  pool: PoolFetch,
  body: Record<string, unknown> = HELLO,
  init: RequestInit = {},
): Promise<Response> {
  return pool("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "placeholder",
      ...(init.headers as Record<string, string>),
    },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  })
}
