// The plain-JSON description of everything the mock does. The in-process mock and the
// `keyrelay-mock-anthropic --config file.json` process read the same shape, and every scripting
// method takes these same objects, so a test can move from one to the other unchanged.

/** One limiter set: requests, input tokens and output tokens per minute (omitted: inherited). */
export interface MockLimits {
  requestsPerMinute?: number
  inputTokensPerMinute?: number
  outputTokensPerMinute?: number
}

/** A usage tier whose standard limits apply per model class (reference §3). */
export type MockTier = "start" | "build" | "scale"

/**
 * A persistent state of an organization, a workspace or a credential; every request it covers fails
 * the way the API fails in that state (DESIGN.md's failure table).
 *
 * - `revoked`, `expired`: 401 `authentication_error` (credentials only);
 * - `credit-exhausted`: 400 "Your credit balance is too low…";
 * - `spend-limit`: 400 "You have reached your specified API usage limits…" (the user's own limit; on a
 *   workspace: "…specified workspace API usage limits…");
 * - `billing`: 402 `billing_error`;
 * - `spend-cap`: 429 with `error.details.error_code: "enforced_spend_limit_reached"` and no `retry-after`;
 * - `permission`: 403 `permission_error`, for `deniedModels` only when given.
 */
export type MockState =
  | "active"
  | "revoked"
  | "expired"
  | "credit-exhausted"
  | "spend-limit"
  | "billing"
  | "spend-cap"
  | "permission"

/** A workspace of an organization; its limits can only lower the organization's. */
export interface MockWorkspace {
  id: string
  name?: string
  /** Lower limits for this workspace, by model class (`default` applies to every class). */
  limits?: Record<string, MockLimits>
  state?: MockState
}

/** An organization: the unit that owns rate limits, credit and spend caps. */
export interface MockOrganization {
  /** The id sent as `anthropic-organization-id` (a UUID on the real API). */
  id: string
  name?: string
  /** Standard limits of this tier (default `start`). */
  tier?: MockTier
  /** Overrides of the tier's limits, by model class (`default` applies to every class). */
  limits?: Record<string, MockLimits>
  /** Id of the Default workspace (default `wrkspc_default_` + a suffix of the organization id). */
  defaultWorkspaceId?: string
  workspaces?: MockWorkspace[]
  state?: MockState
}

/** A credential the mock accepts: an API key (`x-api-key`) or a bearer token (`Authorization`). */
export interface MockCredential {
  /** Names the credential in the log, in scenario matching and in control operations. */
  label: string
  apiKey?: string
  token?: string
  organizationId: string
  /** Default: the organization's Default workspace. */
  workspaceId?: string
  state?: MockState
  /** With state `permission`: only these models (ids, aliases or classes) get 403. */
  deniedModels?: string[]
  /** Epoch ms or ISO 8601; from then on the credential gets 401 (by the mock's clock). */
  expiresAt?: number | string
}

/** An identity provider trusted by the token endpoint (reference §4, WIF issuers). */
export interface MockIssuer {
  /** The `iss` value JWTs must carry. */
  issuer: string
  /** Inline JWKS (`{ keys: [...] }`); public keys only. */
  jwks?: { keys: Record<string, unknown>[] }
  /** Explicit JWKS URL; without it and without `jwks`, discovery at `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string
  /** Largest allowed `exp − iat`, in seconds (default 3600). */
  maxTokenLifetimeSeconds?: number
  /** Reject a `jti` seen before from this issuer (default true). */
  checkJti?: boolean
}

/** A federation rule (`fdrl_…`): which JWTs may mint a token for which organization and workspaces. */
export interface MockFederationRule {
  id: string
  /** The `issuer` of one of `issuers`. */
  issuer: string
  organizationId: string
  serviceAccountId: string
  /** Workspaces the rule is enabled in (default: the organization's Default workspace). */
  workspaceIds?: string[]
  /** Exact subject, or a prefix when it ends with `*`; case-sensitive. */
  subjectPrefix?: string
  /** Required element of the JWT's `aud`. */
  audience?: string
  /** Claims that must have exactly these string values. */
  claims?: Record<string, string>
  /** 60 to 86400 (default 3600). */
  tokenLifetimeSeconds?: number
  /** Default `workspace:developer`. */
  scope?: string
  archived?: boolean
  /** Label of minted tokens in the request log (default `federation:<id>`). */
  label?: string
}

/** A content block of a scripted reply, as the API returns it (ids are made up when absent). */
export type MockContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; name: string; input: Record<string, unknown>; id?: string }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string }

/** What a successful `POST /v1/messages` answers. */
export interface MockReply {
  /** Default: one short fixed text block. */
  content?: MockContentBlock[]
  /** Default: `tool_use` when a tool_use block is present, else `end_turn`. */
  stopReason?: string
  /** Overrides of the estimated usage (see the README for the estimation rule). */
  usage?: {
    inputTokens?: number
    outputTokens?: number
    cacheCreationInputTokens?: number
    cacheReadInputTokens?: number
  }
  /**
   * When the request enables thinking and `content` has no thinking block, a short thinking block
   * (with signature) comes first, as on the real API (default true).
   */
  autoThinking?: boolean
}

/** How a streamed body is cut into writes. */
export interface MockChunking {
  /** Seed of the generator that picks chunk sizes (default: the mock's seed). */
  seed?: number
  minBytes?: number
  maxBytes?: number
}

/** The names of the scriptable error responses; each maps to the API's exact status, type and message. */
export type MockErrorName =
  | "invalid-request"
  | "authentication"
  | "permission"
  | "credit-exhausted"
  | "spend-limit"
  | "workspace-spend-limit"
  | "billing"
  | "not-found"
  | "request-too-large"
  | "rate-limit"
  | "spend-cap"
  | "api-error"
  | "timeout"
  | "overloaded"

/** Which requests a scenario applies to; every field given must match. */
export interface MockMatch {
  /** Credential label (minted federation tokens: the rule's label). */
  credential?: string
  organizationId?: string
  workspaceId?: string
  /** Model id, alias, or model class (as `class:<name>`). */
  model?: string
  /** Default `/v1/messages`; `*` for any path. */
  path?: string
  stream?: boolean
}

/** Stream faults and pacing; they apply to a successful reply. */
export interface MockStreamFault {
  /** Send an `event: error` (default `overloaded`) after this many events, then end without `message_stop`. */
  errorAfterEvents?: number
  errorName?: MockErrorName
  errorMessage?: string
  /** End the body cleanly after this many events, without `message_stop`. */
  endAfterEvents?: number
  /** Stop writing after this many events and keep the connection open until the client gives up. */
  stallAfterEvents?: number
  /** Reset the TCP connection after this many events. */
  resetAfterEvents?: number
  /** Real-time delay between two writes. */
  chunkDelayMs?: number
  /** Real-time delay before the response headers. */
  headersDelayMs?: number
  chunking?: MockChunking | false
}

/** What a scripted request gets. */
export type MockBehaviour =
  /** A successful reply, optionally with a stream fault. */
  | ({ kind: "reply"; reply?: MockReply } & MockStreamFault)
  /** An API error with the exact body and headers of the real one. */
  | {
      kind: "error"
      error: MockErrorName
      /** Override the message (default: the API's own wording). */
      message?: string
      /** Seconds; `rate-limit` defaults to 1 and `null` omits the header. */
      retryAfter?: number | null
      retryAfterMs?: number
      /** Adds `x-should-retry`. */
      shouldRetry?: boolean
      /** `error.details` (e.g. `{ error_code: "ramp_limit_exceeded" }`); replaces the error's own. */
      details?: Record<string, unknown>
      headers?: Record<string, string>
    }
  /** Any status and body, for what no named error covers. */
  | { kind: "http"; status: number; headers?: Record<string, string>; body?: unknown }
  /** A redirect to `location`, as a proxy in front of the API might send. */
  | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; location: string }
  /** Reset the connection before any response byte. */
  | { kind: "reset" }
  /** Accept the request and never answer (until the client aborts). */
  | { kind: "hang" }

/** A queued, one-shot (or `times`-shot) behaviour for the requests it matches. */
export interface MockScenario {
  /** Shown in the request log (default: the behaviour's kind and error name). */
  name?: string
  match?: MockMatch
  /** Let this many matching requests through untouched first (default 0). */
  skip?: number
  /** How many matching requests get the behaviour (default 1), or `always`. */
  times?: number | "always"
  respond: MockBehaviour
}

/** The whole mock, as plain JSON. */
export interface MockConfig {
  organizations?: MockOrganization[]
  credentials?: MockCredential[]
  issuers?: MockIssuer[]
  federationRules?: MockFederationRule[]
  scenarios?: MockScenario[]
  /** The reply when no scenario gives one. */
  reply?: MockReply
  /** Seed of every generated split, chunk and id (default 1). */
  seed?: number
  /** Default chunking of streamed bodies (default `{ minBytes: 1, maxBytes: 96 }`); `false` writes each event whole. */
  chunking?: MockChunking | false
  /** `anthropic-beta` values accepted besides the documented ones; `*` accepts any. */
  extraBetas?: string[]
  /** Answer 404 for models not in the catalogue (default false: any model is served). */
  strictModels?: boolean
  /** Largest accepted body in bytes (default 32 MB, as on the API); larger gets 413. */
  maxBodyBytes?: number
}
