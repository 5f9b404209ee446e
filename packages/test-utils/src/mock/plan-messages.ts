import { namedError } from "./api-errors.ts"
import { buildMessage } from "./build-message.ts"
import type { Principal } from "./credential-registry.ts"
import { countInputTokens, promptParts } from "./estimate-tokens.ts"
import type { MockBehaviour, MockState } from "./mock-config.ts"
import type { MockEngine } from "./mock-engine.ts"
import { findMockModel, modelClassOf, modelMatches } from "./model-catalogue.ts"
import type { ResponsePlan } from "./response-plan.ts"
import type { MatchSubject } from "./scenario-queue.ts"

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/

/** A request that passed authentication and body parsing. */
export interface ApiRequest {
  path: string
  body: Record<string, unknown>
  principal: Principal
}

const answersEarly = (b: MockBehaviour) => b.kind !== "reply"

/** The plan for a scripted behaviour that answers without a reply (error, redirect, reset, hang). */
export function planBehaviour(
  engine: MockEngine,
  behaviour: Exclude<MockBehaviour, { kind: "reply" }>,
  scenario: string,
  principal: Principal | undefined,
  model: string | undefined,
): ResponsePlan {
  const now = engine.clock.now()
  switch (behaviour.kind) {
    case "redirect":
      return { type: "redirect", status: behaviour.status, location: behaviour.location, scenario }
    case "reset":
      return { type: "reset", scenario }
    case "hang":
      return { type: "hang", scenario }
    case "http":
      return {
        type: "json",
        status: behaviour.status,
        body: behaviour.body ?? null,
        headers: behaviour.headers ?? {},
        identified: principal !== undefined,
        scenario,
      }
    case "error": {
      const e = namedError(behaviour.error, now, principal?.organization.id)
      const headers: Record<string, string> = {}
      const isRateLimit = behaviour.error === "rate-limit"
      const retryAfter = behaviour.retryAfter === undefined ? (isRateLimit ? 1 : null) : behaviour.retryAfter
      if (isRateLimit && principal && model) {
        const resetAt = now + (retryAfter ?? 60) * 1000
        Object.assign(
          headers,
          engine.limiter.exhaustedHeaders(
            principal.organization,
            principal.workspace,
            modelClassOf(model),
            "requests",
            resetAt,
            now,
          ),
        )
      }
      if (retryAfter !== null) headers["retry-after"] = String(retryAfter)
      if (behaviour.retryAfterMs !== undefined) headers["retry-after-ms"] = String(behaviour.retryAfterMs)
      if (behaviour.shouldRetry !== undefined) headers["x-should-retry"] = String(behaviour.shouldRetry)
      Object.assign(headers, behaviour.headers)
      return {
        type: "error",
        status: e.status,
        errorType: e.type,
        message: behaviour.message ?? e.message,
        ...(behaviour.details || e.details ? { details: behaviour.details ?? e.details! } : {}),
        headers,
        // A 401 or 413 comes before authentication on the real API, so it names no organization.
        identified: principal !== undefined && e.status !== 401 && e.status !== 413,
        scenario,
      }
    }
  }
}

/** The first scripted behaviour that answers early for this request, if any. */
export function earlyScenario(engine: MockEngine, subject: MatchSubject) {
  const found = engine.queue.find(subject, answersEarly)
  found.commit()
  return found.applied
}

function stateError(state: MockState, onWorkspace: boolean): Parameters<typeof namedError>[0] | undefined {
  switch (state) {
    case "credit-exhausted":
      return "credit-exhausted"
    case "spend-limit":
      return onWorkspace ? "workspace-spend-limit" : "spend-limit"
    case "billing":
      return "billing"
    case "spend-cap":
      return "spend-cap"
    case "permission":
      return "permission"
    default:
      return undefined
  }
}

function invalid(message: string): ResponsePlan {
  return { type: "error", status: 400, errorType: "invalid_request_error", message, identified: true }
}

/** Field checks the API makes before doing anything with a Messages or count_tokens request. */
function validate(body: Record<string, unknown>, countOnly: boolean): ResponsePlan | undefined {
  if (typeof body.model !== "string" || body.model === "") return invalid("model: Field required")
  if (!Array.isArray(body.messages)) return invalid("messages: Field required")
  if (!countOnly) {
    const max = body.max_tokens
    if (max === undefined) return invalid("max_tokens: Field required")
    if (typeof max !== "number" || !Number.isInteger(max) || max < 0) {
      return invalid("max_tokens: Input should be a valid integer greater than or equal to 0")
    }
  }
  if (Array.isArray(body.tools)) {
    for (const [i, t] of (body.tools as { name?: unknown; type?: unknown }[]).entries()) {
      if (t?.type !== undefined && t.type !== "custom") continue
      if (typeof t?.name !== "string" || !TOOL_NAME.test(t.name)) {
        return invalid(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`)
      }
    }
  }
  return undefined
}

/**
 * Decides the answer to an authenticated `POST /v1/messages` or `/v1/messages/count_tokens`: early
 * scenarios, persistent states, validation, rate limits, then the reply (with any scripted fault).
 */
export function planMessages(engine: MockEngine, req: ApiRequest): ResponsePlan {
  const { body, principal, path } = req
  const countOnly = path === "/v1/messages/count_tokens"
  const model = typeof body.model === "string" ? body.model : undefined
  const subject: MatchSubject = {
    path,
    credential: principal.label,
    organizationId: principal.organization.id,
    workspaceId: principal.workspace.id,
    ...(model !== undefined ? { model } : {}),
    stream: body.stream === true,
  }
  const early = earlyScenario(engine, subject)
  if (early && early.respond.kind !== "reply") {
    return planBehaviour(engine, early.respond, early.name, principal, model)
  }

  const levels: [MockState | undefined, "credential" | "workspace" | "organization"][] = [
    [principal.credential?.state, "credential"],
    [principal.workspace.state, "workspace"],
    [principal.organization.state, "organization"],
  ]
  for (const [state, level] of levels) {
    if (!state || state === "active") continue
    const name = stateError(state, level === "workspace")
    if (!name) continue
    const denied = principal.credential?.deniedModels
    if (name === "permission" && denied && !(model && denied.some((d) => modelMatches(d, model)))) continue
    return planBehaviour(engine, { kind: "error", error: name }, `state:${state}`, principal, model)
  }

  const invalidPlan = validate(body, countOnly)
  if (invalidPlan) return invalidPlan
  if (engine.strictModels && !findMockModel(model!)) {
    return {
      type: "error",
      status: 404,
      errorType: "not_found_error",
      message: `model: ${model}`,
      identified: true,
    }
  }
  if (countOnly) {
    return { type: "json", status: 200, body: { input_tokens: countInputTokens(body) }, identified: true }
  }

  const now = engine.clock.now()
  const found = engine.queue.find(subject, (b) => b.kind === "reply")
  const scripted = found.applied?.respond.kind === "reply" ? found.applied.respond : undefined
  const reply = scripted?.reply ?? engine.reply
  // Like the API, an alias is answered with the snapshot it points at (`claude-sonnet-4-5` → dated id).
  const answered = findMockModel(model!)?.id ?? model!
  const input = engine.cache.measure(`${principal.organization.id}|${answered}`, promptParts(body), now)
  const message = buildMessage({ reply, body, model: answered, input, random: engine.random })
  const u = message.usage
  const admission = engine.limiter.admit(
    principal.organization,
    principal.workspace,
    modelClassOf(model!),
    { inputTokens: u.input_tokens + u.cache_creation_input_tokens, outputTokens: u.output_tokens },
    now,
  )
  if (!admission.ok) {
    return {
      type: "error",
      status: 429,
      errorType: "rate_limit_error",
      message: admission.message,
      headers: { ...admission.headers, "retry-after": String(admission.retryAfterSeconds) },
      identified: true,
      scenario: "rate-limited",
    }
  }
  found.commit()
  input.commit()
  const { kind: _kind, reply: _reply, ...fault } = scripted ?? { kind: "reply" }
  return {
    type: "message",
    message,
    stream: body.stream === true,
    fault,
    chunking: fault.chunking ?? engine.chunking,
    headers: admission.headers,
    ...(found.applied ? { scenario: found.applied.name } : {}),
  }
}
