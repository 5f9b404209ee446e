import type { IncomingMessage, ServerResponse } from "node:http"
import { errorBody } from "./api-errors.ts"
import type { Principal } from "./credential-registry.ts"
import { unknownBetas } from "./known-betas.ts"
import { planModels } from "./list-models.ts"
import { makeRequestId } from "./make-ids.ts"
import { applyControl, type MockControlOp } from "./mock-control.ts"
import type { MockEngine } from "./mock-engine.ts"
import { earlyScenario, planBehaviour, planMessages } from "./plan-messages.ts"
import { redactBody, redactHeaders } from "./redact.ts"
import type { MockRequestLogEntry } from "./request-log.ts"
import type { ResponsePlan } from "./response-plan.ts"
import { writePlan } from "./write-plan.ts"

// 2023-06-01 is the version of the reference; @anthropic-ai/sdk 1.x sends 2026-10-21.
const VERSIONS = new Set(["2023-01-01", "2023-06-01", "2026-10-21"])

/** Prefix of the control endpoints (`POST /_mock/control`, `GET /_mock/requests`). */
export const CONTROL_PREFIX = "/_mock/"

type Body = { ok: true; text: string } | { ok: false }

function readBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"])
    if (Number.isFinite(declared) && declared > max) return resolve({ ok: false })
    const chunks: Buffer[] = []
    let size = 0
    req.on("data", (c: Buffer) => {
      size += c.length
      if (size > max) {
        req.removeAllListeners("data")
        req.pause()
        resolve({ ok: false })
      } else chunks.push(c)
    })
    req.on("end", () => resolve({ ok: true, text: Buffer.concat(chunks).toString("utf8") }))
    req.on("error", () => resolve({ ok: false }))
  })
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v
  }
  return out
}

function describe(p: Principal): NonNullable<MockRequestLogEntry["credential"]> {
  return { label: p.label, kind: p.kind, organizationId: p.organization.id, workspaceId: p.workspace.id }
}

const err = (status: number, errorType: string, message: string, identified: boolean): ResponsePlan => ({
  type: "error",
  status,
  errorType,
  message,
  identified,
})

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify(value))
}

async function handleControl(engine: MockEngine, req: IncomingMessage, res: ServerResponse, path: string) {
  if (req.method === "GET" && path === "/_mock/requests") return sendJson(res, 200, engine.log.entries)
  if (req.method !== "POST" || path !== "/_mock/control") {
    return sendJson(res, 404, { error: "control endpoints: POST /_mock/control, GET /_mock/requests" })
  }
  const body = await readBody(req, 8 * 1024 * 1024)
  try {
    const op = JSON.parse(body.ok ? body.text : "null") as MockControlOp
    sendJson(res, 200, applyControl(engine, op) ?? null)
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) })
  }
}

/** The request handler shared by the TCP listener and the unix socket listener. */
export function createRequestHandler(engine: MockEngine, options: { control: boolean }) {
  return async (req: IncomingMessage, res: ServerResponse, viaSocket: boolean): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const path = url.pathname
    if (options.control && path.startsWith(CONTROL_PREFIX)) return handleControl(engine, req, res, path)

    const requestId = makeRequestId()
    const headers = flatHeaders(req)
    const body = await readBody(req, engine.maxBodyBytes)
    let parsed: unknown = null
    let parseFailed = false
    if (body.ok && body.text.length > 0) {
      try {
        parsed = JSON.parse(body.text)
      } catch {
        parsed = body.text
        parseFailed = true
      }
    }
    const entry: MockRequestLogEntry = {
      seq: ++engine.seq,
      requestId,
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(headers),
      body: parseFailed ? "(not JSON)" : redactBody(parsed),
      receivedAt: engine.clock.now(),
      viaSocket,
    }
    engine.log.add(entry)
    let principal: Principal | undefined
    const ctx = () => ({ engine, req, res, requestId, principal, entry })

    if (!body.ok) {
      // Over the size limit: answered in front of the API (Cloudflare on the real one), so unidentified.
      res.setHeader("connection", "close")
      return writePlan(ctx(), {
        ...err(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", false),
        scenario: "too-large",
      })
    }
    if (path === "/v1/oauth/token") {
      if (req.method !== "POST")
        return writePlan(ctx(), err(405, "invalid_request_error", "Method Not Allowed", false))
      if (parseFailed)
        return writePlan(ctx(), err(400, "invalid_request_error", "Request body must be valid JSON", false))
      const outcome = await engine.federation.exchange(parsed, engine.clock.now())
      if (outcome.ok) {
        entry.credential = describe(outcome.principal)
        return writePlan(ctx(), {
          type: "json",
          status: 200,
          body: outcome.body,
          identified: false,
          scenario: "minted",
        })
      }
      const errorType = outcome.status === 401 ? "authentication_error" : "invalid_request_error"
      return writePlan(ctx(), {
        ...err(outcome.status, errorType, outcome.message, false),
        scenario: `denied:${outcome.reason}`,
      })
    }

    const isMessages = path === "/v1/messages" || path === "/v1/messages/count_tokens"
    const isModels = path === "/v1/models" || path.startsWith("/v1/models/")
    if (!isMessages && !isModels) return writePlan(ctx(), err(404, "not_found_error", "Not Found", false))
    if ((isMessages && req.method !== "POST") || (isModels && req.method !== "GET")) {
      return writePlan(ctx(), err(405, "invalid_request_error", "Method Not Allowed", false))
    }

    const auth = engine.registry.authenticate(headers, engine.clock.now())
    if (!auth.ok) {
      if (auth.principal) entry.credential = { ...describe(auth.principal), refused: true }
      return writePlan(ctx(), {
        ...err(401, "authentication_error", auth.message, false),
        scenario: "unauthenticated",
      })
    }
    principal = auth.principal
    entry.credential = describe(principal)
    const version = headers["anthropic-version"]
    if (!version)
      return writePlan(
        ctx(),
        err(400, "invalid_request_error", "anthropic-version: header is required", true),
      )
    if (!VERSIONS.has(version)) {
      return writePlan(
        ctx(),
        err(400, "invalid_request_error", `anthropic-version: invalid value "${version}"`, true),
      )
    }
    const betas = unknownBetas(headers["anthropic-beta"], engine.extraBetas)
    if (betas.length > 0) {
      const list = betas.map((b) => `\`${b}\``).join(", ")
      return writePlan(
        ctx(),
        err(
          400,
          "invalid_request_error",
          `Unexpected value(s) ${list} for the \`anthropic-beta\` header. Please consult our documentation at docs.claude.com or try again without the header.`,
          true,
        ),
      )
    }
    if (isModels) {
      const early = earlyScenario(engine, {
        path,
        credential: principal.label,
        organizationId: principal.organization.id,
        workspaceId: principal.workspace.id,
      })
      if (early && early.respond.kind !== "reply") {
        return writePlan(ctx(), planBehaviour(engine, early.respond, early.name, principal, undefined))
      }
      return writePlan(ctx(), planModels(path, url.searchParams))
    }
    if (parseFailed || typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return writePlan(
        ctx(),
        err(
          400,
          "invalid_request_error",
          "There was an error parsing the body. The body must be a JSON object.",
          true,
        ),
      )
    }
    return writePlan(
      ctx(),
      planMessages(engine, { path, body: parsed as Record<string, unknown>, principal }),
    )
  }
}

/** Answers a request that made the handler throw, without leaking anything but the request id. */
export function answerInternalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const requestId = makeRequestId()
  res.writeHead(500, { "request-id": requestId, "content-type": "application/json" })
  res.end(JSON.stringify(errorBody("api_error", "Internal server error", requestId)))
}
