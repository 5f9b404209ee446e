import { createHash } from "node:crypto"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"
import type { MockCredential, MockOrganization, MockState, MockWorkspace } from "./mock-config.ts"

/** Who a request authenticated as. */
export interface Principal {
  label: string
  kind: "api-key" | "bearer" | "federation"
  organization: MockOrganization
  workspace: MockWorkspace
  credential?: MockCredential
  /** Epoch ms after which the credential stops working. */
  expiresAt?: number
  scope?: string
}

/** The outcome of reading the credential headers of a request. */
export type Authentication =
  | { ok: true; principal: Principal }
  /** `principal` is set when the secret is known but refused (revoked, expired). */
  | { ok: false; message: string; principal?: Principal }

// Secrets are looked up by their digest, so no presented value is ever compared with a stored one.
const digest = (secret: string) => createHash("sha256").update(secret).digest("hex")

/** The id of an organization's Default workspace. */
export function defaultWorkspaceId(org: MockOrganization): string {
  return org.defaultWorkspaceId ?? `wrkspc_default_${org.id.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}`
}

function toEpoch(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined
  return typeof v === "number" ? v : Date.parse(v)
}

/**
 * Organizations, their workspaces, the configured credentials and the tokens minted by the token
 * endpoint, looked up by the digest of the presented secret.
 */
export class CredentialRegistry {
  readonly organizations = new Map<string, MockOrganization>()
  private readonly byDigest = new Map<string, Principal>()
  private readonly byLabel = new Map<string, MockCredential>()

  constructor(organizations: readonly MockOrganization[], credentials: readonly MockCredential[]) {
    for (const o of organizations) this.organizations.set(o.id, o)
    for (const c of credentials) this.addCredential(c)
  }

  /** The workspace `id` of `org` (its Default workspace when `id` is absent or `default`). */
  workspace(org: MockOrganization, id?: string): MockWorkspace | undefined {
    const def = defaultWorkspaceId(org)
    if (id === undefined || id === "default" || id === def) {
      return org.workspaces?.find((w) => w.id === def) ?? { id: def, name: "Default" }
    }
    return org.workspaces?.find((w) => w.id === id)
  }

  addCredential(c: MockCredential): void {
    const where = `credential "${c.label}"`
    if (!c.label) throw invalid("every credential needs a label")
    if (this.byLabel.has(c.label)) throw invalid(`${where} is configured twice; labels must be unique`)
    if ((c.apiKey === undefined) === (c.token === undefined))
      throw invalid(`${where} needs exactly one of apiKey or token`)
    const org = this.organizations.get(c.organizationId)
    if (!org) throw invalid(`${where} names organization "${c.organizationId}", which is not configured`)
    const ws = this.workspace(org, c.workspaceId)
    if (!ws)
      throw invalid(
        `${where} names workspace "${c.workspaceId}", which organization "${org.id}" does not have`,
      )
    const secret = (c.apiKey ?? c.token)!
    const key = `${c.apiKey !== undefined ? "k" : "b"}:${digest(secret)}`
    if (this.byDigest.has(key)) throw invalid(`${where} has the same secret as another credential`)
    const expiresAt = toEpoch(c.expiresAt)
    this.byLabel.set(c.label, c)
    this.byDigest.set(key, {
      label: c.label,
      kind: c.apiKey !== undefined ? "api-key" : "bearer",
      organization: org,
      workspace: ws,
      credential: c,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    })
  }

  /** Registers a token minted by the token endpoint. */
  addMintedToken(token: string, principal: Principal): void {
    this.byDigest.set(`b:${digest(token)}`, principal)
  }

  /** Changes the persistent state (and optionally the denied models) of a credential. */
  setState(label: string, state: MockState, deniedModels?: string[]): void {
    const c = this.byLabel.get(label)
    if (!c) {
      throw new TestUtilsError(
        TEST_UTILS_ERROR_CODES.UNKNOWN_CREDENTIAL,
        `the mock has no credential labelled "${label}"; use one of: ${[...this.byLabel.keys()].join(", ")}`,
      )
    }
    c.state = state
    if (deniedModels !== undefined) c.deniedModels = deniedModels
    else if (state !== "permission") delete c.deniedModels
  }

  credential(label: string): MockCredential | undefined {
    return this.byLabel.get(label)
  }

  /**
   * Reads `x-api-key` (API keys) or `Authorization: Bearer` (tokens, and API keys as the SDK sends them
   * since API version 2026-10-21) and finds who it is; unknown, missing, revoked and expired credentials
   * fail with the API's messages.
   *
   * @see reference/anthropic-api.md §4 ("Required headers on /v1/messages", "Key expiry")
   */
  authenticate(headers: Record<string, string | undefined>, now: number): Authentication {
    const apiKey = headers["x-api-key"]
    const auth = headers.authorization
    const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim()
    if (apiKey) {
      const p = this.byDigest.get(`k:${digest(apiKey)}`)
      if (!p) return { ok: false, message: "invalid x-api-key" }
      return this.usable(p, now, "invalid x-api-key")
    }
    if (bearer) {
      // Since API version 2026-10-21 the official SDK sends API keys as bearer tokens too.
      const d = digest(bearer)
      const p = this.byDigest.get(`b:${d}`) ?? this.byDigest.get(`k:${d}`)
      if (!p) return { ok: false, message: "Invalid bearer token" }
      return this.usable(p, now, "Invalid bearer token")
    }
    return { ok: false, message: "x-api-key header is required" }
  }

  private usable(p: Principal, now: number, invalidMessage: string): Authentication {
    const state = p.credential?.state
    if (state === "revoked" || state === "expired")
      return { ok: false, message: invalidMessage, principal: p }
    if (p.expiresAt !== undefined && now >= p.expiresAt) {
      const message =
        p.kind === "api-key"
          ? invalidMessage
          : "OAuth token has expired. Please obtain a new token or refresh your existing token."
      return { ok: false, message, principal: p }
    }
    return { ok: true, principal: p }
  }
}

function invalid(message: string): TestUtilsError {
  return new TestUtilsError(TEST_UTILS_ERROR_CODES.INVALID_CONFIG, `mock config: ${message}`)
}
