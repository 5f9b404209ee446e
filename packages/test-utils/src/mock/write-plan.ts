import type { IncomingMessage, ServerResponse } from "node:http"
import { errorBody, namedError } from "./api-errors.ts"
import type { ApiMessage } from "./build-message.ts"
import { chunkBytes } from "./chunk-bytes.ts"
import type { Principal } from "./credential-registry.ts"
import { encodeEvent, messageEvents, type SseEvent } from "./message-events.ts"
import type { MockChunking, MockStreamFault } from "./mock-config.ts"
import type { MockEngine } from "./mock-engine.ts"
import type { MockOutcome, MockRequestLogEntry } from "./request-log.ts"
import type { ResponsePlan } from "./response-plan.ts"
import { seededRandom } from "./seeded-random.ts"

/** The request being answered. */
export interface WriteContext {
  engine: MockEngine
  req: IncomingMessage
  res: ServerResponse
  requestId: string
  principal: Principal | undefined
  entry: MockRequestLogEntry
}

const sleep = (ms: number) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)))

function baseHeaders(ctx: WriteContext, identified: boolean): Record<string, string> {
  const h: Record<string, string> = { "request-id": ctx.requestId }
  if (identified && ctx.principal) {
    h["anthropic-organization-id"] = ctx.principal.organization.id
    h["anthropic-workspace-id"] = ctx.principal.workspace.id
  }
  return h
}

function closed(ctx: WriteContext): Promise<void> {
  if (ctx.res.closed || ctx.req.socket.destroyed) return Promise.resolve()
  return new Promise((r) => ctx.res.once("close", () => r()))
}

function write(ctx: WriteContext, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.res.destroyed) return resolve()
    if (ctx.res.write(chunk)) resolve()
    else {
      ctx.res.once("drain", resolve)
      ctx.res.once("close", resolve)
    }
  })
}

function setOutcome(ctx: WriteContext, outcome: MockOutcome): void {
  if (ctx.entry.response) ctx.entry.response.outcome = outcome
}

/** Resets the TCP connection (RST), after giving bytes already written a moment to leave. */
async function reset(ctx: WriteContext, afterWrites: boolean): Promise<void> {
  if (afterWrites) await sleep(25)
  setOutcome(ctx, "reset")
  ctx.req.socket.resetAndDestroy()
}

/** Writes what `planMessages` (or the router) decided, faults included, and records the outcome. */
export async function writePlan(ctx: WriteContext, plan: ResponsePlan): Promise<void> {
  const { res, entry } = ctx
  entry.response = { status: 0, ...(plan.scenario ? { scenario: plan.scenario } : {}) }
  res.on("close", () => {
    if (entry.response && entry.response.outcome === undefined) {
      entry.response.outcome = res.writableFinished ? "complete" : "client-aborted"
    }
    if (entry.response) entry.response.finishedAt = ctx.engine.clock.now()
    ctx.engine.log.finish(entry)
  })
  switch (plan.type) {
    case "error": {
      entry.response.status = plan.status
      entry.response.errorType = plan.errorType
      const body = JSON.stringify(errorBody(plan.errorType, plan.message, ctx.requestId, plan.details))
      res.writeHead(plan.status, {
        ...baseHeaders(ctx, plan.identified),
        ...plan.headers,
        "content-type": "application/json",
      })
      res.end(body)
      return
    }
    case "json": {
      entry.response.status = plan.status
      res.writeHead(plan.status, {
        ...baseHeaders(ctx, plan.identified),
        "content-type": "application/json",
        ...plan.headers,
      })
      res.end(JSON.stringify(plan.body))
      return
    }
    case "redirect":
      entry.response.status = plan.status
      res.writeHead(plan.status, {
        ...baseHeaders(ctx, false),
        location: plan.location,
        "content-type": "text/plain",
      })
      res.end(`Redirecting to ${plan.location}\n`)
      return
    case "reset":
      return reset(ctx, false)
    case "hang":
      setOutcome(ctx, "hung")
      return closed(ctx)
    case "message":
      return writeMessage(ctx, plan.message, plan.stream, plan.fault, plan.chunking, plan.headers)
  }
}

function errorEvent(ctx: WriteContext, fault: MockStreamFault): SseEvent {
  const e = namedError(
    fault.errorName ?? "overloaded",
    ctx.engine.clock.now(),
    ctx.principal?.organization.id,
  )
  return {
    event: "error",
    data: {
      type: "error",
      error: { details: null, type: e.type, message: fault.errorMessage ?? e.message },
      request_id: ctx.requestId,
    },
  }
}

async function writeMessage(
  ctx: WriteContext,
  message: ApiMessage,
  stream: boolean,
  fault: MockStreamFault,
  chunking: MockChunking | false,
  limitHeaders: Record<string, string>,
): Promise<void> {
  const { res, entry, engine } = ctx
  const usage = { ...message.usage } as Record<string, unknown>
  entry.response = { ...entry.response!, status: 200, stream, usage }
  if (fault.headersDelayMs) await sleep(fault.headersDelayMs)
  if (res.destroyed) return
  const random = chunking && chunking.seed !== undefined ? seededRandom(chunking.seed) : engine.random
  const cut =
    fault.errorAfterEvents ??
    fault.endAfterEvents ??
    fault.stallAfterEvents ??
    fault.resetAfterEvents ??
    undefined
  const headers = { ...baseHeaders(ctx, true), ...limitHeaders }

  if (!stream && fault.errorAfterEvents !== undefined) {
    // A non-streaming request cannot fail mid-body with an event: the API answers the error's status.
    const e = namedError(fault.errorName ?? "overloaded", engine.clock.now(), ctx.principal?.organization.id)
    entry.response.status = e.status
    entry.response.errorType = e.type
    delete entry.response.usage
    res.writeHead(e.status, { ...baseHeaders(ctx, true), "content-type": "application/json" })
    res.end(JSON.stringify(errorBody(e.type, fault.errorMessage ?? e.message, ctx.requestId)))
    return
  }

  let pieces: Uint8Array[]
  if (stream) {
    const events = messageEvents(message, engine.random)
    const sent = cut === undefined ? events : events.slice(0, cut)
    if (fault.errorAfterEvents !== undefined) sent.push(errorEvent(ctx, fault))
    const encoded = sent.map((e) => Buffer.from(encodeEvent(e)))
    pieces = chunking
      ? chunkBytes(Buffer.concat(encoded), random, chunking.minBytes ?? 1, chunking.maxBytes ?? 96)
      : encoded
    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    })
  } else {
    const body = Buffer.from(JSON.stringify(message))
    const sent =
      cut === undefined ? body : cut === 0 ? body.subarray(0, 0) : body.subarray(0, body.length >> 1)
    pieces =
      chunking && fault.chunkDelayMs
        ? chunkBytes(sent, random, chunking.minBytes ?? 1, chunking.maxBytes ?? 96)
        : [sent]
    res.writeHead(200, {
      ...headers,
      "content-type": "application/json",
      "content-length": String(body.length),
    })
  }
  res.flushHeaders()
  for (const piece of pieces) {
    if (res.destroyed) return
    if (piece.length > 0) await write(ctx, piece)
    if (stream || fault.chunkDelayMs) await sleep(fault.chunkDelayMs ?? 0)
  }
  if (res.destroyed) return
  if (fault.stallAfterEvents !== undefined && cut === fault.stallAfterEvents) {
    setOutcome(ctx, "stalled")
    return closed(ctx)
  }
  if (fault.resetAfterEvents !== undefined && cut === fault.resetAfterEvents) return reset(ctx, true)
  if (fault.errorAfterEvents !== undefined) setOutcome(ctx, "error-event")
  else if (fault.endAfterEvents !== undefined) {
    setOutcome(ctx, "ended-early")
    // A JSON body shorter than its content-length can only end by closing the connection.
    if (!stream) {
      res.socket?.end()
      return
    }
  } else setOutcome(ctx, "complete")
  res.end()
}
