import { appendFileSync } from "node:fs"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"

/** How a response ended, as far as the mock could tell. */
export type MockOutcome =
  | "complete"
  | "error-event"
  | "ended-early"
  | "stalled"
  | "reset"
  | "hung"
  | "client-aborted"

/** One request the mock received, with secrets redacted, and what it answered. */
export interface MockRequestLogEntry {
  /** 1 for the first request the mock received. */
  seq: number
  /** The `request-id` the mock answered with. */
  requestId: string
  method: string
  path: string
  query: Record<string, string>
  /** Header names in lower case; `x-api-key` and `authorization` keep only their last 4 characters. */
  headers: Record<string, string>
  /** The parsed JSON body (secret fields redacted), the raw text if it was not JSON, or null. */
  body: unknown
  /** Epoch ms by the mock's clock. */
  receivedAt: number
  /** Whether it came through the unix socket. */
  viaSocket: boolean
  /**
   * The credential the presented secret belongs to (for the token endpoint: the token minted).
   * `refused` when it is known but revoked or expired; absent when the secret is unknown or missing.
   */
  credential?: { label: string; kind: string; organizationId: string; workspaceId: string; refused?: boolean }
  /** Filled in as the mock answers. */
  response?: {
    status: number
    /** Name of the scenario or persistent state that shaped the answer. */
    scenario?: string
    stream?: boolean
    /** `error.type` of an error answer. */
    errorType?: string
    usage?: Record<string, unknown>
    outcome?: MockOutcome
    finishedAt?: number
  }
}

/** The request log: an array that grows, waiters for it, and an optional JSONL file. */
export class RequestLog {
  readonly entries: MockRequestLogEntry[] = []
  private waiters: { n: number; resolve: () => void }[] = []
  private readonly file: string | undefined

  constructor(file?: string) {
    this.file = file
  }

  add(entry: MockRequestLogEntry): void {
    this.entries.push(entry)
    const ready = this.waiters.filter((w) => this.entries.length >= w.n)
    this.waiters = this.waiters.filter((w) => this.entries.length < w.n)
    for (const w of ready) w.resolve()
  }

  /** Called once the answer is complete (or abandoned): appends the entry to the JSONL file. */
  finish(entry: MockRequestLogEntry): void {
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`)
  }

  /** Resolves with the log once it holds at least `n` entries. */
  waitFor(n: number, timeoutMs: number): Promise<MockRequestLogEntry[]> {
    if (this.entries.length >= n) return Promise.resolve(this.entries.slice())
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        resolve: () => {
          clearTimeout(timer)
          resolve(this.entries.slice())
        },
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(
          new TestUtilsError(
            TEST_UTILS_ERROR_CODES.WAIT_TIMEOUT,
            `the mock received ${this.entries.length} request(s) within ${timeoutMs} ms, expected ${n}; ` +
              "check that the client points at mock.url, or raise timeoutMs",
          ),
        )
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  clear(): void {
    this.entries.length = 0
  }
}
