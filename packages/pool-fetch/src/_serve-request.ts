// One request, step by step (DESIGN.md): rules → candidates → strategy → credential → request-rewrite → classify →
// fail over (before any body byte reaches the caller) or relay the success to the caller, observed → usage and cost.
import { type Account, isAccountStoreError, type RouteRequest } from "@keyrelay/account-store"
import {
  buildOutgoingRequest,
  isRequestRewriteError,
  REQUEST_REWRITE_ERROR_CODES,
  readRequestFacts,
} from "@keyrelay/request-rewrite"
import {
  type Classification,
  classifyResponse,
  classifyTransportError,
  DEFAULT_RETRY_POLICY,
  type KeyedMap,
  type NoCandidate,
  type RateLimitSnapshot,
  type StrategyName,
} from "@keyrelay/rotation-strategies"
import { classifyContext } from "./_classify-context.ts"
import { credentialFailed } from "./_credential-failed.ts"
import { finishServed } from "./_finish-served.ts"
import { readIncomingRequest } from "./_incoming-request.ts"
import { noAccountResponse } from "./_no-account.ts"
import type { PoolRuntime } from "./_pool-runtime.ts"
import { strategyFor } from "./_pool-settings.ts"
import { discard, type ReadResponse, readErrorResponse, rebuildResponse } from "./_responses.ts"
import { serveSuccess } from "./_serve-success.ts"

/** Why an attempt's own controller fired (distinct from the caller's abort). */
class AttemptTimeout extends Error {
  override readonly name = "TimeoutError"
  readonly code = "ETIMEDOUT"
}

/** Links the caller's signal to one attempt's controller; `unlink` once the attempt's response is fully read. */
function linkSignal(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return () => {}
  const onAbort = (): void => controller.abort(signal.reason)
  if (signal.aborted) onAbort()
  else signal.addEventListener("abort", onAbort, { once: true })
  return () => signal.removeEventListener("abort", onAbort)
}

function mergeHeaders(init: RequestInit, extra: Readonly<Record<string, string>> | undefined): RequestInit {
  if (extra === undefined) return init
  const headers = new Headers(init.headers)
  for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value)
  return { ...init, headers }
}

/** The last failed response kept to hand back when the pool gives up (a real error beats a made-up one). */
interface LastFailure {
  read: ReadResponse
  classification: Classification
  account: Account
}

/** Serves one request through the pool; resolves with what the caller gets, rejects only as fetch would. */
export async function serveRequest(
  runtime: PoolRuntime,
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<Response> {
  const read = readIncomingRequest(input, init)
  const incoming = read instanceof Promise ? await read : read
  const signal = incoming.signal
  signal?.throwIfAborted()
  const facts = readRequestFacts(incoming.body)
  const messages = runtime.isMessages(incoming.url)
  const model = facts.model
  const modelClass = runtime.modelClass(model, facts.speed === "fast")
  const settings = runtime.settings()
  const startedAt = runtime.now()
  const deadline = startedAt + settings.deadlineMs
  const exclude = new Set<string>()
  const avoid = new Set<string>()
  const refreshed = new Set<string>()
  let attempts = 0
  let serviceRetries = 0
  let transportFailures = 0
  let waited = 0
  let forced: string | undefined
  let last: LastFailure | undefined
  let lastReason: string | undefined
  let transportError: unknown
  const routeRequest: RouteRequest = {}
  if (runtime.directory !== undefined) routeRequest.directory = runtime.directory
  if (model !== undefined) routeRequest.model = model

  const giveUp = (
    report: NoCandidate | undefined,
    routed: readonly Account[],
    strategy: StrategyName,
  ): Response => {
    if (
      last !== undefined &&
      (last.classification.class === "service" || last.classification.class === "caller")
    )
      return rebuildResponse(last.read)
    // Name every account's state as it is now (what this request excluded included), and when capacity returns.
    const fresh =
      report !== undefined && report.earliest !== null
        ? report
        : runtime.strategy(strategy).pick(
            routed.filter((a) => runtime.inRotation(a)).map((a) => runtime.candidate(a)),
            {
              now: runtime.now(),
              random: runtime.random,
              modelClass,
              cooldowns: runtime.store.state.cooldowns,
            },
          )
    if (typeof fresh === "string") {
      // Someone could serve now, but this request spent its attempts or its deadline: the API's own last answer.
      if (last !== undefined) return rebuildResponse(last.read)
      if (transportError !== undefined) throw transportError
      return noAccountResponse(runtime, report ?? { unavailable: [], earliest: null }, { routed, model })
    }
    if (last !== undefined) discard(last.read)
    if (last === undefined && transportError !== undefined && fresh.unavailable.length === 0)
      throw transportError
    return noAccountResponse(runtime, fresh, { routed, model })
  }

  for (;;) {
    const route = runtime.store.resolveRoute(routeRequest)
    const routedAll =
      route.ruleId === undefined ? runtime.store.listAccounts() : routedAccounts(runtime, route.accountIds)
    const strategy = strategyFor(settings, route)
    const accounts: Account[] = []
    for (const id of route.accountIds) {
      const account = runtime.account(id)
      if (account !== undefined && runtime.inRotation(account)) accounts.push(account)
      else if (account !== undefined) runtime.noteBudget(account)
    }
    const now = runtime.now()
    let pick: string | NoCandidate
    if (forced !== undefined && accounts.some((a) => a.id === forced)) {
      pick = forced
      forced = undefined
    } else {
      pick =
        accounts.length === 0
          ? { unavailable: [], earliest: null }
          : runtime.strategy(strategy).pick(
              accounts.map((a) => runtime.candidate(a)),
              {
                now,
                random: runtime.random,
                modelClass,
                cooldowns: runtime.store.state.cooldowns,
                rateLimits: runtime.store.state.rateLimits as KeyedMap<RateLimitSnapshot>,
                stickyId: runtime.lastServed(modelClass),
                exclude,
                avoid,
              },
            )
    }

    if (typeof pick !== "string") {
      if (avoid.size > 0 && pick.unavailable.some((u) => u.cause === "avoided")) {
        // Avoiding a refused group only orders the failover; with nobody else left, the group may serve again.
        avoid.clear()
        continue
      }
      const wait = pick.earliest === null ? Number.POSITIVE_INFINITY : Math.max(0, pick.earliest - now)
      if (
        attempts < settings.maxAttempts &&
        waited + wait <= settings.waitBudgetMs &&
        now + wait <= deadline
      ) {
        await runtime.sleep(wait, signal)
        waited += wait
        continue
      }
      return giveUp(pick, routedAll, strategy)
    }
    if (attempts >= settings.maxAttempts || now >= deadline) return giveUp(undefined, routedAll, strategy)

    const account = accounts.find((a) => a.id === pick) as Account
    let credential = runtime.resolver.cached(account)
    if (credential === undefined) {
      try {
        credential = await runtime.resolver.resolve(account)
      } catch (error) {
        credentialFailed(runtime, account, error)
        exclude.add(account.id)
        lastReason = "its credential is unavailable"
        continue
      }
      signal?.throwIfAborted()
      // While the credential was being minted, another request may have learned that this group is cooling.
      if (runtime.isCooling(account, modelClass)) continue
    }

    let outgoing: ReturnType<typeof buildOutgoingRequest>
    try {
      outgoing = buildOutgoingRequest({
        url: incoming.url,
        init: mergeHeaders(incoming.init, credential.headers),
        account: { baseUrl: account.baseUrl ?? credential.baseUrl },
        credential: credential.request,
        betas: settings.extraBetas,
        host: runtime.host,
      })
    } catch (error) {
      const code = isRequestRewriteError(error) ? error.code : undefined
      if (
        code === REQUEST_REWRITE_ERROR_CODES.INVALID_BASE_URL ||
        code === REQUEST_REWRITE_ERROR_CODES.INSECURE_BASE_URL ||
        code === REQUEST_REWRITE_ERROR_CODES.INVALID_CREDENTIAL
      ) {
        credentialFailed(runtime, account, error)
        exclude.add(account.id)
        continue
      }
      throw error
    }

    attempts++
    const controller = new AbortController()
    const unlink = linkSignal(signal, controller)
    const headersBy = Math.min(
      deadline,
      facts.stream ? runtime.now() + settings.streamHeadersTimeoutMs : deadline,
    )
    const headersDeadline = runtime.deadlines.start(Math.max(0, headersBy - runtime.now()), () =>
      controller.abort(new AttemptTimeout("no response headers in time")),
    )
    const attemptStarted = runtime.now()
    let response: Response
    try {
      // The init is this attempt's own (request-rewrite builds a new one each time): no copy to add the signal.
      const sent: RequestInit = outgoing.init
      sent.signal = controller.signal
      response = await runtime.fetch(outgoing.url, sent)
    } catch (error) {
      runtime.deadlines.stop(headersDeadline)
      unlink()
      if (signal?.aborted) throw signal.reason ?? error
      const timedOut = controller.signal.aborted && controller.signal.reason instanceof AttemptTimeout
      const classification = classifyTransportError(
        timedOut ? controller.signal.reason : error,
        classifyContext(runtime, account, modelClass),
      )
      runtime.record(account, classification, modelClass, true)
      exclude.add(account.id)
      lastReason = classification.reason
      transportError = error
      transportFailures++
      // A network error before headers gets the next account once; a second one in the same request says the
      // network (not an account) is the problem, and fetch's own error goes to the caller.
      if (transportFailures >= 2)
        return last === undefined ? Promise.reject(error) : giveUp(undefined, routedAll, strategy)
      continue
    }

    if (response.status >= 200 && response.status < 300) {
      // From here the body's own watchdog (streamIdleTimeoutMs) keeps the caller from hanging.
      runtime.deadlines.stop(headersDeadline)
      runtime.record(
        account,
        runtime.success(account, modelClass, response.status, response.headers),
        modelClass,
        true,
      )
      runtime.forgetExpiredCooldowns(account, modelClass)
      runtime.served(account, modelClass, lastReason)
      if (last !== undefined) discard(last.read)
      return serveSuccess(response, {
        messages,
        toolNames: outgoing.toolNames,
        now: runtime.now,
        startedAt: attemptStarted,
        idleTimeoutMs: settings.streamIdleTimeoutMs,
        deadlines: runtime.deadlines,
        abort: (reason) => controller.abort(reason),
        onEnd: (end) => {
          unlink()
          finishServed(runtime, account, modelClass, model, end, signal?.aborted === true)
        },
        onEndFailed: (error) => usageNotRecorded(runtime, account, error),
      })
    }

    // An error body is read under the same deadline as the headers: a body that never ends cannot hold the request.
    let read: ReadResponse
    try {
      read = await readErrorResponse(response)
      runtime.deadlines.stop(headersDeadline)
    } catch (error) {
      runtime.deadlines.stop(headersDeadline)
      unlink()
      if (signal?.aborted) throw signal.reason ?? error
      const classification = classifyTransportError(error, classifyContext(runtime, account, modelClass))
      runtime.record(account, classification, modelClass, true)
      exclude.add(account.id)
      lastReason = classification.reason
      continue
    }
    unlink()
    const classification = classifyResponse({
      status: read.status,
      headers: read.headers,
      body: read.text,
      ...classifyContext(runtime, account, modelClass),
      credential: credential.refreshable ? "refreshable" : "static",
      refreshed: refreshed.has(account.id),
      attempt: serviceRetries,
      retryPolicy: { ...DEFAULT_RETRY_POLICY, maxRetries: settings.serviceRetries },
    })
    runtime.record(account, classification, modelClass, true)
    if (last !== undefined) discard(last.read)
    last = { read, classification, account }
    lastReason = classification.reason

    switch (classification.action) {
      case "return":
        if (classification.class === "service") runtime.serviceTrouble(modelClass)
        return rebuildResponse(read)
      case "refresh-credential":
        runtime.resolver.invalidate(account.id, credential.generation)
        refreshed.add(account.id)
        forced = account.id
        continue
      case "disable-account":
        runtime.disable(account, classification.reason)
        exclude.add(account.id)
        continue
      case "next-account":
        exclude.add(account.id)
        continue
      case "next-group":
        exclude.add(account.id)
        if (classification.key !== undefined) avoid.add(classification.key)
        continue
      case "retry": {
        // A service error is not the account's fault, and the host retries too: the pool spends at most
        // `serviceRetries` per request, and none while the model class had trouble recently.
        const trouble = runtime.inServiceTrouble(modelClass)
        runtime.serviceTrouble(modelClass)
        const delay = classification.retryDelayMs ?? 0
        if (trouble || runtime.now() + delay >= deadline) return rebuildResponse(read)
        serviceRetries++
        await runtime.sleep(delay, signal)
        continue
      }
    }
  }
}

function routedAccounts(runtime: PoolRuntime, ids: readonly string[]): Account[] {
  const out: Account[] = []
  for (const id of ids) {
    const account = runtime.account(id)
    if (account !== undefined) out.push(account)
  }
  return out
}

function usageNotRecorded(runtime: PoolRuntime, account: Account, error: unknown): void {
  const reason = isAccountStoreError(error)
    ? error.code
    : error instanceof Error
      ? error.name
      : "unknown error"
  runtime.emit({
    type: "usage-not-recorded",
    at: runtime.now(),
    level: "error",
    accountId: account.id,
    label: account.label,
    reason,
    message: `keyrelay: the usage of a response from "${account.label}" could not be recorded (${reason}).`,
  })
}
