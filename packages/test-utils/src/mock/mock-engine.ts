import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"
import { CredentialRegistry } from "./credential-registry.ts"
import { FederationExchange } from "./federation-exchange.ts"
import type { MockClock } from "./mock-clock.ts"
import type {
  MockChunking,
  MockConfig,
  MockCredential,
  MockReply,
  MockScenario,
  MockState,
} from "./mock-config.ts"
import { modelClassOf } from "./model-catalogue.ts"
import { PromptCache } from "./prompt-cache.ts"
import { RateLimiter, type RateLimitSnapshot } from "./rate-limiter.ts"
import { RequestLog } from "./request-log.ts"
import { ScenarioQueue } from "./scenario-queue.ts"
import { seededRandom } from "./seeded-random.ts"

/** Default chunking of streamed bodies: small uneven writes that cut through lines and characters. */
export const DEFAULT_CHUNKING: MockChunking = { minBytes: 1, maxBytes: 96 }

/**
 * Everything the mock knows and remembers: organizations and credentials, buckets, prompt cache,
 * queued scenarios, the request log, and the clock. The HTTP handler reads it; control operations
 * change it.
 */
export class MockEngine {
  readonly registry: CredentialRegistry
  readonly limiter = new RateLimiter()
  readonly cache = new PromptCache()
  readonly queue = new ScenarioQueue()
  readonly log: RequestLog
  readonly federation: FederationExchange
  readonly random: () => number
  reply: MockReply | undefined
  readonly chunking: MockChunking | false
  readonly extraBetas: readonly string[]
  readonly strictModels: boolean
  readonly maxBodyBytes: number
  seq = 0

  readonly config: MockConfig

  constructor(
    config: MockConfig,
    readonly clock: MockClock,
    logFile?: string,
  ) {
    // A private copy: states change as tests script them, and the caller's objects must not.
    this.config = config = structuredClone(config)
    this.registry = new CredentialRegistry(config.organizations ?? [], config.credentials ?? [])
    for (const r of config.federationRules ?? []) {
      if (!this.registry.organizations.has(r.organizationId)) {
        throw new TestUtilsError(
          TEST_UTILS_ERROR_CODES.INVALID_CONFIG,
          `mock config: federation rule "${r.id}" names organization "${r.organizationId}", which is not configured`,
        )
      }
      if (!(config.issuers ?? []).some((i) => i.issuer === r.issuer)) {
        throw new TestUtilsError(
          TEST_UTILS_ERROR_CODES.INVALID_CONFIG,
          `mock config: federation rule "${r.id}" names issuer "${r.issuer}"; add it to issuers`,
        )
      }
    }
    this.federation = new FederationExchange(
      config.issuers ?? [],
      config.federationRules ?? [],
      this.registry,
    )
    this.log = new RequestLog(logFile)
    this.random = seededRandom(config.seed ?? 1)
    this.reply = config.reply
    this.chunking = config.chunking === undefined ? DEFAULT_CHUNKING : config.chunking
    this.extraBetas = config.extraBetas ?? []
    this.strictModels = config.strictModels ?? false
    this.maxBodyBytes = config.maxBodyBytes ?? 32 * 1024 * 1024
    this.queue.add(config.scenarios ?? [])
  }

  /** Queues scenarios (plain JSON). */
  script(scenarios: readonly MockScenario[]): void {
    this.queue.add(scenarios)
  }

  /** Sets the persistent state of a credential, a workspace or an organization. */
  setState(
    target: { credential?: string; organizationId?: string; workspaceId?: string },
    state: MockState,
    deniedModels?: string[],
  ): void {
    if (target.credential !== undefined) {
      this.registry.setState(target.credential, state, deniedModels)
      return
    }
    const org = target.organizationId ? this.registry.organizations.get(target.organizationId) : undefined
    if (!org) {
      throw new TestUtilsError(
        TEST_UTILS_ERROR_CODES.INVALID_CONFIG,
        `setState needs a known credential label or organizationId (got ${JSON.stringify(target)})`,
      )
    }
    if (target.workspaceId === undefined) {
      org.state = state
      return
    }
    const ws = org.workspaces?.find((w) => w.id === target.workspaceId)
    if (!ws) {
      throw new TestUtilsError(
        TEST_UTILS_ERROR_CODES.INVALID_CONFIG,
        `organization "${org.id}" has no configured workspace "${target.workspaceId}"`,
      )
    }
    ws.state = state
  }

  addCredential(credential: MockCredential): void {
    this.registry.addCredential(credential)
  }

  /** Exact bucket state for an organization (and workspace) and a model. */
  rateLimits(organizationId: string, model: string, workspaceId?: string): RateLimitSnapshot {
    const org = this.registry.organizations.get(organizationId)
    if (!org) {
      throw new TestUtilsError(TEST_UTILS_ERROR_CODES.INVALID_CONFIG, `no organization "${organizationId}"`)
    }
    const ws = workspaceId ? org.workspaces?.find((w) => w.id === workspaceId) : undefined
    return this.limiter.snapshot(org, ws, modelClassOf(model), this.clock.now())
  }

  /** Forgets requests, scenarios, buckets and the prompt cache; queues the configured scenarios again. States stay. */
  reset(): void {
    this.log.clear()
    this.queue.clear()
    this.limiter.reset()
    this.cache.clear()
    this.queue.add(this.config.scenarios ?? [])
    this.reply = this.config.reply
  }
}
