import { lstatSync, unlinkSync } from "node:fs"
import http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"
import { answerInternalError, createRequestHandler } from "./handle-request.ts"
import { createMockClock } from "./mock-clock.ts"
import type { MockConfig, MockCredential, MockReply, MockScenario, MockState } from "./mock-config.ts"
import { applyControl, type MockControlOp } from "./mock-control.ts"
import { MockEngine } from "./mock-engine.ts"
import type { RateLimitSnapshot } from "./rate-limiter.ts"
import type { MockRequestLogEntry } from "./request-log.ts"

/** Options of `startMockAnthropic`: the plain-JSON config plus where to listen and which clock to read. */
export interface MockAnthropicOptions extends MockConfig {
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  port?: number
  /** Also listen on this unix socket path, with the same handler and state. */
  socketPath?: string
  /** The clock (epoch ms) every bucket, expiry and log timestamp reads; `advance(ms)` adds to it. */
  now?: () => number
  /** Append each finished request to this file as a JSON line. */
  logFile?: string
  /** Serve `POST /_mock/control` and `GET /_mock/requests` (default true). */
  control?: boolean
}

/** A running mock of the Anthropic API. */
export interface MockAnthropic {
  /** `http://127.0.0.1:<port>`; give it to a client as its base URL. */
  readonly url: string
  readonly port: number
  /** The unix socket it also listens on, if asked. */
  readonly socketPath: string | undefined
  /** Every request received, in order (a live array; secrets redacted). */
  readonly requests: MockRequestLogEntry[]
  /** Queues scenarios: one-shot (or `times`) behaviours matched by credential, organization, model, path. */
  script(...scenarios: MockScenario[]): void
  /** Scenarios still queued, with what is left of their `skip` and `times`. */
  pendingScenarios(): MockScenario[]
  clearScenarios(): void
  /** Replaces the default reply (undefined: the built-in short text). */
  setReply(reply: MockReply | undefined): void
  /**
   * Sets the persistent state of a credential (by label), a workspace or an organization.
   * @throws ERR_TEST_UTILS_UNKNOWN_CREDENTIAL for an unknown label; ERR_TEST_UTILS_INVALID_CONFIG for an unknown organization or workspace
   */
  setState(
    target: { credential?: string; organizationId?: string; workspaceId?: string },
    state: MockState,
    options?: { deniedModels?: string[] },
  ): void
  /** Adds a credential at runtime. @throws ERR_TEST_UTILS_INVALID_CONFIG when it clashes with the config */
  addCredential(credential: MockCredential): void
  /** The mock's clock, epoch ms. */
  now(): number
  /** Moves the mock's clock forward: buckets refill, tokens and keys expire, without sleeping. */
  advance(ms: number): void
  /** Exact bucket state (unrounded) of an organization, optionally a workspace, for a model's class. */
  rateLimits(organizationId: string, model: string, workspaceId?: string): RateLimitSnapshot
  /** Resolves with the log once it holds at least `n` requests. @throws ERR_TEST_UTILS_WAIT_TIMEOUT */
  waitForRequests(n: number, options?: { timeoutMs?: number }): Promise<MockRequestLogEntry[]>
  clearRequests(): void
  /** Applies a JSON control operation, exactly as `POST /_mock/control` would. @throws ERR_TEST_UTILS_INVALID_CONFIG for an unknown operation */
  control(op: MockControlOp): unknown
  /** Connections still open that carried a request (TCP and unix socket), to prove that nothing leaks. */
  openConnections(): Promise<number>
  /** Stops listening and destroys every open connection, stalled streams included. */
  close(): Promise<void>
}

function listen(server: http.Server, target: { port: number } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(
        new TestUtilsError(
          TEST_UTILS_ERROR_CODES.LISTEN_FAILED,
          `the mock could not listen on ${"path" in target ? target.path : `127.0.0.1:${target.port}`}; ` +
            "pick another port or socket path",
          { cause },
        ),
      )
    server.once("error", onError)
    const done = () => {
      server.off("error", onError)
      resolve()
    }
    if ("path" in target) server.listen(target.path, done)
    else server.listen(target.port, "127.0.0.1", done)
  })
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path)
  } catch {
    // Nothing there: fine.
  }
}

/**
 * Starts a mock of the Anthropic API on 127.0.0.1 (and optionally a unix socket) that answers the way
 * the reference says the API does: Messages (JSON and SSE), count_tokens, models, the WIF token
 * exchange, organization rate limits, and every scriptable failure.
 *
 * @example
 * ```ts
 * const mock = await startMockAnthropic({
 *   organizations: [{ id: "org-work" }],
 *   credentials: [{ label: "work", apiKey: "sk-ant-api03-test-work", organizationId: "org-work" }],
 * })
 * mock.script({ respond: { kind: "error", error: "overloaded" } })
 * // point a client at mock.url; the first request gets a 529, the next a reply
 * await mock.close()
 * ```
 * @see reference/anthropic-api.md §1–4
 * @throws ERR_TEST_UTILS_INVALID_CONFIG when the config is inconsistent (unknown organization, duplicate label)
 * @throws ERR_TEST_UTILS_LISTEN_FAILED when the port or socket path is taken
 */
export async function startMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const { port = 0, socketPath, now, logFile, control = true, ...config } = options
  const clock = createMockClock(now)
  const engine = new MockEngine(config, clock, logFile)
  const handler = createRequestHandler(engine, { control })
  const serve = (viaSocket: boolean) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res, viaSocket).catch(() => answerInternalError(res))
  }
  const tcp = http.createServer(serve(false))
  await listen(tcp, { port })
  let unix: http.Server | undefined
  if (socketPath) {
    removeStaleSocket(socketPath)
    unix = http.createServer(serve(true))
    try {
      await listen(unix, { path: socketPath })
    } catch (error) {
      tcp.closeAllConnections()
      await new Promise((r) => tcp.close(r))
      throw error
    }
  }
  const servers = unix ? [tcp, unix] : [tcp]
  // Sockets that carried a request and are still open. Idle connections a client opens ahead of need
  // (undici does after an abort) are not the mock's doing, so they are not counted.
  const sockets = new Set<Socket>()
  for (const s of servers) {
    s.on("request", (req: http.IncomingMessage) => {
      const socket = req.socket
      if (sockets.has(socket) || socket.destroyed) return
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    })
  }
  const actualPort = (tcp.address() as AddressInfo).port
  let closing: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    socketPath,
    requests: engine.log.entries,
    script: (...scenarios) => engine.script(scenarios),
    pendingScenarios: () => engine.queue.pending(),
    clearScenarios: () => engine.queue.clear(),
    setReply: (reply) => {
      engine.reply = reply
    },
    setState: (target, state, opts) => engine.setState(target, state, opts?.deniedModels),
    addCredential: (c) => engine.addCredential(c),
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    rateLimits: (org, model, ws) => engine.rateLimits(org, model, ws),
    waitForRequests: (n, o) => engine.log.waitFor(n, o?.timeoutMs ?? 5_000),
    clearRequests: () => engine.log.clear(),
    control: (op) => applyControl(engine, op),
    openConnections: async () => sockets.size,
    close() {
      closing ??= Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve())
              s.closeAllConnections()
            }),
        ),
      ).then(() => {
        if (socketPath) removeStaleSocket(socketPath)
      })
      return closing
    },
  }
}
