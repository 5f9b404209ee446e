import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
} from "jose"
import type { CredentialRegistry, Principal } from "./credential-registry.ts"
import { makeAccessToken } from "./make-ids.ts"
import type { MockFederationRule, MockIssuer } from "./mock-config.ts"

/** The grant type of the WIF exchange (RFC 7523). */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
const SKEW_S = 30
const MAX_ASSERTION = 16 * 1024

/** What the token endpoint answers; `reason` is what the Console's authentication history would show. */
export type ExchangeOutcome =
  | {
      ok: true
      body: { access_token: string; token_type: "Bearer"; expires_in: number; scope: string }
      principal: Principal
    }
  | { ok: false; status: 400 | 401; message: string; reason: string }

type KeySet = Parameters<typeof jwtVerify>[1]

const bad = (message: string, reason = "malformed_request"): ExchangeOutcome => ({
  ok: false,
  status: 400,
  message,
  reason,
})
// Every denial looks the same to the caller; only the log says why (reference §4, "Exchange errors").
const deny = (reason: string): ExchangeOutcome => ({
  ok: false,
  status: 401,
  message: "Authentication failed",
  reason,
})

function field(body: Record<string, unknown>, name: string, pattern?: RegExp): string | ExchangeOutcome {
  const v = body[name]
  if (v === undefined || v === null || v === "") return bad(`${name}: Field required`)
  if (typeof v !== "string") return bad(`${name}: Input should be a valid string`)
  if (pattern && !pattern.test(v)) return bad(`${name}: String should match pattern '${pattern.source}'`)
  return v
}

/**
 * The jwt-bearer token exchange of workload identity federation: checks the request, verifies the
 * assertion against the issuer's keys, applies the rule, and mints a short-lived bearer token bound to
 * the rule's organization and workspace.
 *
 * @see reference/anthropic-api.md §4 ("Workload Identity Federation (WIF)"); RFC 7523 §2.1, §3
 */
export class FederationExchange {
  private readonly issuers = new Map<string, MockIssuer>()
  private readonly rules = new Map<string, MockFederationRule>()
  private readonly keySets = new Map<string, Promise<KeySet>>()
  private readonly seenJti = new Map<string, number>()

  constructor(
    issuers: readonly MockIssuer[],
    rules: readonly MockFederationRule[],
    private readonly registry: CredentialRegistry,
  ) {
    for (const i of issuers) this.issuers.set(i.issuer, i)
    for (const r of rules) this.rules.set(r.id, r)
  }

  private keySet(issuer: MockIssuer): Promise<KeySet> {
    let ks = this.keySets.get(issuer.issuer)
    if (!ks) {
      ks = (async (): Promise<KeySet> => {
        if (issuer.jwks) return createLocalJWKSet(issuer.jwks as Parameters<typeof createLocalJWKSet>[0])
        let url = issuer.jwksUrl
        if (!url) {
          const res = await fetch(`${issuer.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`)
          if (!res.ok) throw new Error(`discovery answered ${res.status}`)
          url = ((await res.json()) as { jwks_uri?: string }).jwks_uri
          if (!url) throw new Error("discovery has no jwks_uri")
        }
        return createRemoteJWKSet(new URL(url))
      })()
      // A failed discovery is retried on the next exchange rather than remembered.
      ks.catch(() => this.keySets.delete(issuer.issuer))
      this.keySets.set(issuer.issuer, ks)
    }
    return ks
  }

  /** Answers one `POST /v1/oauth/token` body at time `now` (epoch ms). */
  async exchange(body: unknown, now: number): Promise<ExchangeOutcome> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return bad("Request body must be a JSON object")
    }
    const b = body as Record<string, unknown>
    const grant = field(b, "grant_type")
    if (typeof grant !== "string") return grant
    if (grant !== JWT_BEARER_GRANT) return bad(`grant_type: Input should be '${JWT_BEARER_GRANT}'`)
    const assertion = field(b, "assertion")
    if (typeof assertion !== "string") return assertion
    if (assertion.length > MAX_ASSERTION)
      return bad(`assertion: String should have at most ${MAX_ASSERTION} characters`)
    const ruleId = field(b, "federation_rule_id", /^fdrl_[A-Za-z0-9_]+$/)
    if (typeof ruleId !== "string") return ruleId
    const orgId = field(b, "organization_id")
    if (typeof orgId !== "string") return orgId
    const svac = field(b, "service_account_id", /^svac_[A-Za-z0-9_]+$/)
    if (typeof svac !== "string") return svac
    const wsParam = b.workspace_id
    if (
      wsParam !== undefined &&
      (typeof wsParam !== "string" || !/^(default|wrkspc_[A-Za-z0-9_]+)$/.test(wsParam))
    ) {
      return bad("workspace_id: String should match pattern '^wrkspc_[A-Za-z0-9_]+$'")
    }

    const rule = this.rules.get(ruleId)
    if (!rule) return deny("rule_not_found")
    if (rule.archived) return deny("rule_archived")
    if (rule.organizationId !== orgId) return deny("organization_mismatch")
    if (rule.serviceAccountId !== svac) return deny("service_account_mismatch")
    const org = this.registry.organizations.get(rule.organizationId)
    if (!org) return deny("organization_unknown")
    const enabled = (rule.workspaceIds ?? [this.registry.workspace(org)!.id]).map(
      (id) => this.registry.workspace(org, id)?.id ?? id,
    )
    let workspaceId: string
    if (wsParam === undefined) {
      // The sole enabled workspace, else the Default workspace if the rule covers it (as the SDK documents).
      const fallback =
        enabled.length === 1 ? enabled[0] : enabled.find((id) => id === this.registry.workspace(org)!.id)
      if (!fallback) return deny("workspace_id_required")
      workspaceId = fallback
    } else {
      const resolved = this.registry.workspace(org, wsParam as string)?.id
      if (!resolved || !enabled.includes(resolved)) return deny("workspace_not_enabled")
      workspaceId = resolved
    }
    const issuer = this.issuers.get(rule.issuer)
    if (!issuer) return deny("issuer_unknown")

    let header: ReturnType<typeof decodeProtectedHeader>
    try {
      header = decodeProtectedHeader(assertion)
    } catch {
      return deny("assertion_malformed")
    }
    if (!header.alg || !ALGORITHMS.includes(header.alg)) return deny("algorithm_not_allowed")
    if (!header.kid) return deny("kid_missing")

    let payload: JWTPayload
    try {
      const keys = await this.keySet(issuer)
      ;({ payload } = await jwtVerify(assertion, keys, {
        algorithms: ALGORITHMS,
        issuer: issuer.issuer,
        currentDate: new Date(now),
        clockTolerance: SKEW_S,
        requiredClaims: ["sub", "iat", "exp"],
      }))
    } catch (error) {
      return deny(verifyFailure(error))
    }
    const { iat, exp, sub } = payload as { iat: number; exp: number; sub: string }
    const nowS = now / 1000
    if (iat > nowS + SKEW_S) return deny("iat_in_future")
    if (exp - iat > (issuer.maxTokenLifetimeSeconds ?? 3600)) return deny("token_lifetime_too_long")
    if (rule.audience !== undefined) {
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
      if (!aud.includes(rule.audience)) return deny("match_audience")
    }
    if (rule.subjectPrefix !== undefined) {
      const p = rule.subjectPrefix
      if (p.endsWith("*") ? !sub.startsWith(p.slice(0, -1)) : sub !== p) return deny("match_subject_prefix")
    }
    for (const [k, v] of Object.entries(rule.claims ?? {})) {
      if (payload[k] !== v) return deny("match_claims")
    }
    if (issuer.checkJti !== false && typeof payload.jti === "string") {
      for (const [k, until] of this.seenJti) if (until < now) this.seenJti.delete(k)
      const key = `${issuer.issuer}\u0000${payload.jti}`
      if (this.seenJti.has(key)) return deny("jti_replayed")
      this.seenJti.set(key, (exp + SKEW_S) * 1000)
    }

    const lifetime = Math.max(
      60,
      Math.min(rule.tokenLifetimeSeconds ?? 3600, Math.floor(2 * Math.max(0, exp - nowS))),
    )
    const token = makeAccessToken()
    const label = rule.label ?? `federation:${rule.id}`
    const scope = rule.scope ?? "workspace:developer"
    const principal: Principal = {
      label,
      kind: "federation",
      organization: org,
      workspace: this.registry.workspace(org, workspaceId)!,
      expiresAt: now + lifetime * 1000,
      scope,
    }
    this.registry.addMintedToken(token, principal)
    return {
      ok: true,
      body: { access_token: token, token_type: "Bearer", expires_in: lifetime, scope },
      principal,
    }
  }
}

function verifyFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token_expired"
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "iss" ? "issuer_mismatch" : `claim_${error.claim}_invalid`
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "kid_unknown"
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature_invalid"
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm_not_allowed"
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return "jwks_or_token_invalid"
  return "jwks_unavailable"
}
