import { type AccountStore, openAccountStore, SecretValue } from "@keyrelay/account-store"
import { accountOf } from "./_account-of.ts"
import { PoolRuntime } from "./_pool-runtime.ts"
import { serveRequest } from "./_serve-request.ts"
import { defaultSleep, type Sleep } from "./_sleep.ts"
import type { PriceTable } from "./cost-of.ts"
import { createCredentialResolver } from "./credential-resolver.ts"
import { type ExplainRouteOptions, explainRouteWith, type RouteExplanation } from "./explain-route.ts"
import type { PoolEvent } from "./pool-events.ts"
import { POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"
import type { StrategyName } from "./strategy-names.ts"
import { type AccountTestResult, testAccountWith } from "./test-account.ts"

/** Options of {@link createPoolFetch}; every field but the store is optional. */
export interface PoolFetchOptions {
  /** The opened account store (shared with the caller, who closes it). */
  store?: AccountStore
  /** Or the store's directory: the pool opens the store itself and closes it in `close()`. */
  home?: string
  /** The fetch that reaches the API (inside OpenCode, Bun's); default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number
  /** Randomness in [0, 1); default `Math.random`. */
  random?: () => number
  /** How the pool waits for a cooldown or before a service retry; default a timer. For tests with a fake clock. */
  sleep?: Sleep
  /** The host as a user-agent product (`opencode/1.18.33`); sent after the caller's user-agent. */
  host?: string
  /** The project directory: routing rules match on it, usage is recorded per project. */
  directory?: string
  /**
   * The host's strategy (e.g. the OpenCode plugin's `strategy` option): it replaces the store's `config.strategy`, but
   * a matching routing rule's own strategy still wins, being the more specific setting. Default: the store's config,
   * else `sticky`.
   */
  strategy?: StrategyName
  /** How long one request may wait for a cooldown to end before failing with a clear 429; default config, else 5 s. */
  waitBudgetMs?: number
  /** Most requests sent to the API for one call (failover, re-mint, service retry); default config, else 4. */
  maxAttempts?: number
  /** No new attempt or wait starts after this long, and a request still without headers is given up; default config, else 10 min. */
  deadlineMs?: number
  /** A streaming request whose headers take longer than this is a transport failure (next account); default 60 s. */
  streamHeadersTimeoutMs?: number
  /** A response body that sends nothing for this long (a stalled stream) is aborted; default 5 min. */
  streamIdleTimeoutMs?: number
  /** Retries of a service error (529/500/504) the pool itself makes per call, none while the host is retrying; default 1. */
  serviceRetries?: number
  /** Betas added to every request; default the store's `config.extraBetas`. */
  extraBetas?: readonly string[]
  /** Prices under the store's `config.pricing` and over the built-in table (model id globs). */
  pricing?: PriceTable
  /** Hears what the user should know: which account serves, accounts disabled, groups cooling, budgets, failures. */
  onEvent?: (event: PoolEvent) => void
}

/** A resolved credential for diagnostics; the value renders redacted everywhere but `value.reveal()`. */
export interface CredentialForDiagnostics {
  readonly type: "api-key" | "bearer"
  readonly value: SecretValue
  readonly refreshable: boolean
  readonly baseUrl?: string
}

/** A `fetch` over the pool, with what its adapters need besides. */
export interface PoolFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** The store the pool uses. */
  readonly store: AccountStore
  /** Whether the pool has an account that can serve at all (enabled and within its budget); cooldowns pass. */
  hasUsableAccounts(): boolean
  /** Which accounts could serve a directory and model, which the strategy picks now, and why each other is out. */
  explain(options?: ExplainRouteOptions): RouteExplanation
  /** Proves one account with `GET /v1/models` through the same credential and request building. */
  testAccount(accountId: string, options?: { signal?: AbortSignal }): Promise<AccountTestResult>
  /** An account's credential, resolved as a request would (never print `value.reveal()`). */
  resolveCredential(accountId: string): Promise<CredentialForDiagnostics>
  /** Writes pending usage and state now. */
  flush(): Promise<void>
  /** Flushes; closes the store when the pool opened it. Later calls reject with `ERR_POOL_CLOSED`. */
  close(): Promise<void>
}

function checkNumber(name: string, value: unknown, min: number): void {
  if (value === undefined) return
  if (typeof value !== "number" || !Number.isFinite(value) || value < min)
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
      `createPoolFetch: \`${name}\` must be a number ≥ ${min}; leave it out for the default.`,
    )
}

/**
 * Creates a `fetch` over a pool of your own Anthropic credentials, for any client that takes a fetch (OpenCode,
 * `@anthropic-ai/sdk`, `@ai-sdk/anthropic`). Per request: routing rules choose the candidates, the strategy picks
 * one, its credential is resolved (cached per kind), request-rewrite builds the request, the response is
 * classified; a failure before any body byte reaches the caller fails over to another account (bounded by
 * attempts, a deadline and the caller's signal); a success streams to the caller as it arrives, observed for
 * usage and cost, which go to the store with the outcome.
 *
 * @example
 * ```ts
 * import Anthropic from "@anthropic-ai/sdk"
 * import { createPoolFetch } from "@keyrelay/pool-fetch"
 *
 * const poolFetch = await createPoolFetch({ directory: process.cwd(), onEvent: (e) => console.log(e.message) })
 * const client = new Anthropic({ apiKey: "keyrelay", fetch: poolFetch })
 * await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] })
 * await poolFetch.close()
 * ```
 * @see DESIGN.md "One request, step by step", "What each failure gets"
 * @throws {PoolFetchError} `ERR_POOL_INVALID_OPTIONS` for a malformed option; the store's errors when opening it.
 */
export async function createPoolFetch(options: PoolFetchOptions = {}): Promise<PoolFetch> {
  if (typeof options !== "object" || options === null)
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
      "createPoolFetch takes one options object.",
    )
  for (const name of ["fetch", "now", "random", "sleep", "onEvent"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function")
      throw new PoolFetchError(
        POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
        `createPoolFetch: \`${name}\` must be a function; leave it out for the default.`,
      )
  }
  checkNumber("waitBudgetMs", options.waitBudgetMs, 0)
  checkNumber("maxAttempts", options.maxAttempts, 1)
  checkNumber("deadlineMs", options.deadlineMs, 1)
  checkNumber("streamHeadersTimeoutMs", options.streamHeadersTimeoutMs, 1)
  checkNumber("streamIdleTimeoutMs", options.streamIdleTimeoutMs, 1)
  checkNumber("serviceRetries", options.serviceRetries, 0)
  if (options.store !== undefined && options.home !== undefined)
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.INVALID_OPTIONS,
      "createPoolFetch: pass either an opened `store` or its `home`, not both.",
    )
  const owned = options.store === undefined
  const now = options.now ?? Date.now
  const store =
    options.store ??
    (await openAccountStore({ ...(options.home === undefined ? {} : { home: options.home }), now }))
  const fetchImpl = options.fetch ?? globalThis.fetch
  const runtime: PoolRuntime = new PoolRuntime({
    store,
    fetch: fetchImpl,
    now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
    host: options.host,
    directory: options.directory,
    overrides: {
      ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
      ...(options.waitBudgetMs === undefined ? {} : { waitBudgetMs: options.waitBudgetMs }),
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      ...(options.streamHeadersTimeoutMs === undefined
        ? {}
        : { streamHeadersTimeoutMs: options.streamHeadersTimeoutMs }),
      ...(options.streamIdleTimeoutMs === undefined
        ? {}
        : { streamIdleTimeoutMs: options.streamIdleTimeoutMs }),
      ...(options.serviceRetries === undefined ? {} : { serviceRetries: options.serviceRetries }),
      ...(options.extraBetas === undefined ? {} : { extraBetas: options.extraBetas }),
    },
    pricing: options.pricing,
    resolver: createCredentialResolver({
      store,
      fetch: fetchImpl,
      now,
      ...(options.host === undefined ? {} : { host: options.host }),
      onAdvisoryError: (account) =>
        runtime.emit({
          type: "credential-failed",
          at: now(),
          level: "warning",
          accountId: account.id,
          label: account.label,
          kind: account.credential.kind,
          reason: "a background token refresh failed; the current token keeps serving until it expires",
          message: `keyrelay: a background token refresh of "${account.label}" failed; the current token keeps serving.`,
        }),
    }),
    onEvent: options.onEvent,
  })
  const unsubscribe = store.subscribe((event) => {
    if (event.type !== "change") return
    if (event.files.includes("accounts.json") || event.files.includes("secrets.json"))
      runtime.resolver.forget()
    if (event.files.includes("usage.json") || event.files.includes("accounts.json")) runtime.budget.refresh()
  })
  let closed = false
  const assertOpen = (): void => {
    if (closed)
      throw new PoolFetchError(
        POOL_FETCH_ERROR_CODES.CLOSED,
        "This pool fetch was closed; create a new one with createPoolFetch().",
      )
  }

  const poolFetch = ((input: string | URL | Request, init?: RequestInit) => {
    try {
      assertOpen()
      return serveRequest(runtime, input, init)
    } catch (error) {
      return Promise.reject(error)
    }
  }) as PoolFetch
  Object.defineProperties(poolFetch, {
    store: { value: store, enumerable: true },
    hasUsableAccounts: {
      value: () => store.listAccounts().some((account) => runtime.inRotation(account)),
    },
    explain: {
      value: (explainOptions: ExplainRouteOptions = {}) => explainRouteWith(runtime, explainOptions),
    },
    testAccount: {
      value: (accountId: string, testOptions: { signal?: AbortSignal } = {}) => {
        assertOpen()
        return testAccountWith(runtime, accountId, testOptions)
      },
    },
    resolveCredential: {
      value: async (accountId: string): Promise<CredentialForDiagnostics> => {
        assertOpen()
        const resolved = await runtime.resolver.resolve(accountOf(store, accountId))
        const request = resolved.request
        return {
          type: request.type,
          value: new SecretValue(request.type === "api-key" ? request.key : request.token),
          refreshable: resolved.refreshable,
          ...(resolved.baseUrl === undefined ? {} : { baseUrl: resolved.baseUrl }),
        }
      },
    },
    flush: {
      value: async () => {
        await runtime.idle()
        await store.flush()
      },
    },
    close: {
      value: async () => {
        if (closed) return
        closed = true
        unsubscribe()
        await runtime.idle()
        if (owned) await store.close()
        else await store.flush()
      },
    },
  })
  return poolFetch
}
