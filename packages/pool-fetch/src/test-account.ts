import type { AccountStore } from "@keyrelay/account-store"
import { buildOutgoingRequest, DEFAULT_BASE_URL } from "@keyrelay/request-rewrite"
import {
  type Classification,
  classifyResponse,
  classifyTransportError,
  type FailureClass,
} from "@keyrelay/rotation-strategies"
import { accountOf } from "./_account-of.ts"
import { PoolRuntime } from "./_pool-runtime.ts"
import { defaultSleep } from "./_sleep.ts"
import { createCredentialResolver, type ResolvedCredential } from "./credential-resolver.ts"

/** What proving an account found. */
export interface AccountTestResult {
  readonly accountId: string
  readonly label: string
  /** The account answered `GET /v1/models` with a 2xx. */
  readonly ok: boolean
  /** The HTTP status, when a response arrived. */
  readonly status?: number
  /** From sending the request to its headers, ms (credential resolution excluded). */
  readonly latencyMs?: number
  /** What the API said the account belongs to (now stored on the account). */
  readonly organizationId?: string
  readonly workspaceId?: string
  /** How many models the first page listed. */
  readonly models?: number
  /** The failure, classified as the pool would (`auth`, `permission`, `credit`, `transport`, …). */
  readonly failure?: { readonly class: FailureClass; readonly reason: string; readonly requestId?: string }
}

const TIMEOUT_MS = 30_000

function failureOf(classification: Classification): NonNullable<AccountTestResult["failure"]> {
  return {
    class: classification.class,
    reason: classification.reason,
    ...(classification.requestId === undefined ? {} : { requestId: classification.requestId }),
  }
}

/** Proves an account with a pool's own resolver and clock. Internal. */
export async function testAccountWith(
  runtime: PoolRuntime,
  accountId: string,
  options: { signal?: AbortSignal },
): Promise<AccountTestResult> {
  const account = accountOf(runtime.store, accountId)
  const base = { accountId: account.id, label: account.label }
  for (let minted = false; ; minted = true) {
    let credential: ResolvedCredential
    try {
      credential = await runtime.resolver.resolve(account)
    } catch (error) {
      return { ...base, ok: false, failure: { class: "auth", reason: (error as Error).message } }
    }
    const outgoing = buildOutgoingRequest({
      url: `${DEFAULT_BASE_URL}/v1/models`,
      init: { method: "GET", headers: { ...credential.headers } },
      account: { baseUrl: account.baseUrl ?? credential.baseUrl },
      credential: credential.request,
      ...(runtime.host === undefined ? {} : { host: runtime.host }),
    })
    const signal = options.signal
      ? AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)])
      : AbortSignal.timeout(TIMEOUT_MS)
    const started = runtime.now()
    let response: Response
    let text: string
    try {
      response = await runtime.fetch(outgoing.url, { ...outgoing.init, signal })
      text = await response.text()
    } catch (error) {
      options.signal?.throwIfAborted()
      const classification = classifyTransportError(error, { now: runtime.now() })
      return { ...base, ok: false, latencyMs: runtime.now() - started, failure: failureOf(classification) }
    }
    const latencyMs = runtime.now() - started
    const classification = classifyResponse({
      status: response.status,
      headers: response.headers,
      body: text,
      now: runtime.now(),
      account: { id: account.id },
      credential: credential.refreshable ? "refreshable" : "static",
      refreshed: minted,
    })
    if (classification.action === "refresh-credential" && !minted) {
      runtime.resolver.invalidate(account.id, credential.generation)
      continue
    }
    const learned = {
      ...(classification.organizationId === undefined
        ? {}
        : { organizationId: classification.organizationId }),
      ...(classification.workspaceId === undefined ? {} : { workspaceId: classification.workspaceId }),
    }
    if (learned.organizationId !== undefined || learned.workspaceId !== undefined)
      await runtime.store.learnOrganization(account.id, learned)
    runtime.store.recordOutcome({
      accountId: account.id,
      class: classification.class,
      status: response.status,
      reason: classification.reason,
      used: false,
    })
    const ok = classification.class === "ok"
    let models: number | undefined
    if (ok) {
      try {
        const data = (JSON.parse(text) as { data?: unknown }).data
        if (Array.isArray(data)) models = data.length
      } catch {
        // A 2xx that is not the models list still proves the credential.
      }
    }
    return {
      ...base,
      ok,
      status: response.status,
      latencyMs,
      ...learned,
      ...(models === undefined ? {} : { models }),
      ...(ok ? {} : { failure: failureOf(classification) }),
    }
  }
}

/**
 * Proves one account with `GET /v1/models` (it costs nothing) through the same credential resolution and request
 * building as the pool, stores the organization and workspace the API names, and says how long it took and, on
 * failure, what kind of failure it was.
 *
 * @example
 * const result = await testAccount({ store, accountId: account.id })
 * console.log(result.ok ? `ok in ${result.latencyMs} ms (${result.organizationId})` : result.failure?.reason)
 * @throws {PoolFetchError} `ERR_POOL_ACCOUNT_NOT_FOUND` for an unknown account id.
 */
export async function testAccount(options: {
  store: AccountStore
  accountId: string
  fetch?: typeof fetch
  now?: () => number
  host?: string
  signal?: AbortSignal
}): Promise<AccountTestResult> {
  const now = options.now ?? Date.now
  const fetchImpl = options.fetch ?? globalThis.fetch
  const runtime = new PoolRuntime({
    store: options.store,
    fetch: fetchImpl,
    now,
    random: Math.random,
    sleep: defaultSleep,
    host: options.host,
    directory: undefined,
    overrides: {},
    pricing: undefined,
    resolver: createCredentialResolver({
      store: options.store,
      fetch: fetchImpl,
      now,
      ...(options.host === undefined ? {} : { host: options.host }),
    }),
    onEvent: undefined,
  })
  return testAccountWith(
    runtime,
    options.accountId,
    options.signal === undefined ? {} : { signal: options.signal },
  )
}
