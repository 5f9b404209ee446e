import http from "node:http"
import type { AddressInfo } from "node:net"
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { MockConfig } from "../src/mock/mock-config.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { exchange, HELLO, ORG_A, post } from "./_helpers.ts"

const NOW = Date.UTC(2026, 9, 14, 12, 0, 0)
const NOW_S = NOW / 1000
const ISSUER = "https://idp.example.test"
const AUD = "https://api.anthropic.com"

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"]
let publicJwk: JWK
beforeAll(async () => {
  const pair = await generateKeyPair("RS256")
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "key-1", alg: "RS256", use: "sig" }
})

let jti = 0
async function jwt(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ sub: "repo:acme/app:ref:refs/heads/main", aud: AUD, jti: `jti-${++jti}`, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "key-1", ...header })
    .setIssuer((claims["iss"] as string) ?? ISSUER)
    .setIssuedAt((claims["iat"] as number) ?? NOW_S - 10)
    .setExpirationTime((claims["exp"] as number) ?? NOW_S + 600)
    .sign(privateKey)
}

const config = (issuer: NonNullable<MockConfig["issuers"]>): MockConfig => ({
  organizations: [
    {
      id: ORG_A,
      defaultWorkspaceId: "wrkspc_default",
      workspaces: [{ id: "wrkspc_ci" }, { id: "wrkspc_prod" }],
    },
  ],
  issuers: issuer,
  federationRules: [
    {
      id: "fdrl_ci",
      issuer: ISSUER,
      organizationId: ORG_A,
      serviceAccountId: "svac_ci",
      workspaceIds: ["wrkspc_ci"],
      subjectPrefix: "repo:acme/*",
      audience: AUD,
      tokenLifetimeSeconds: 3600,
    },
    {
      id: "fdrl_multi",
      issuer: ISSUER,
      organizationId: ORG_A,
      serviceAccountId: "svac_ci",
      workspaceIds: ["wrkspc_ci", "wrkspc_prod"],
      claims: { repository: "acme/app" },
      scope: "workspace:inference",
      label: "ci-multi",
    },
  ],
})

let mock: MockAnthropic
beforeEach(async () => {
  mock = await startMockAnthropic({
    ...config([{ issuer: ISSUER, jwks: { keys: [publicJwk as Record<string, unknown>] } }]),
    now: () => NOW,
  })
})
afterEach(() => mock.close())

async function expectDenied(res: Response, reason: string) {
  expect(res.status).toBe(401)
  const body = (await res.json()) as { error: { type: string; message: string }; request_id: string }
  expect(body.error).toEqual({ type: "authentication_error", message: "Authentication failed" })
  expect(body.request_id).toBe(res.headers.get("request-id"))
  expect(mock.requests.at(-1)?.response?.scenario).toBe(`denied:${reason}`)
}

describe("POST /v1/oauth/token", () => {
  it("mints a bearer token bound to the rule's organization and workspace, that expires by the mock's clock", async () => {
    const res = await exchange(mock.url, { assertion: await jwt() })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      access_token: string
      token_type: string
      expires_in: number
      scope: string
    }
    expect(body.access_token).toMatch(/^sk-ant-oat01-mock-/)
    expect(body).toMatchObject({ token_type: "Bearer", scope: "workspace:developer" })
    // min(rule 3600 s, 2 × 600 s of JWT lifetime left) = 1200 s
    expect(body.expires_in).toBe(1200)
    const bearer = {
      key: "",
      headers: { authorization: `Bearer ${body.access_token}`, "anthropic-beta": "oauth-2025-04-20" },
    }
    const ok = await post(mock.url, HELLO, bearer)
    expect(ok.status).toBe(200)
    expect(ok.headers.get("anthropic-organization-id")).toBe(ORG_A)
    expect(ok.headers.get("anthropic-workspace-id")).toBe("wrkspc_ci")
    expect(mock.requests.at(-1)?.credential).toMatchObject({
      label: "federation:fdrl_ci",
      kind: "federation",
    })
    mock.advance(1_199_999)
    expect((await post(mock.url, HELLO, bearer)).status).toBe(200)
    mock.advance(1)
    const expired = await post(mock.url, HELLO, bearer)
    expect(expired.status).toBe(401)
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/)
  })

  it("never logs the assertion or the minted token", async () => {
    const assertion = await jwt()
    const res = await exchange(mock.url, { assertion })
    const { access_token } = (await res.json()) as { access_token: string }
    const log = JSON.stringify(mock.requests)
    expect(log).not.toContain(assertion.slice(0, -4))
    expect(log).not.toContain(access_token.slice(0, -4))
  })

  it("gives at least 60 s even to a JWT about to expire", async () => {
    const res = await exchange(mock.url, { assertion: await jwt({ exp: NOW_S + 10 }) })
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(60)
  })

  it("denies a reused jti", async () => {
    const assertion = await jwt({ jti: "once" })
    expect((await exchange(mock.url, { assertion })).status).toBe(200)
    await expectDenied(await exchange(mock.url, { assertion }), "jti_replayed")
  })

  it("denies a wrong audience, an expired JWT, a too-long lifetime and a future iat", async () => {
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ aud: "https://elsewhere" }) }),
      "match_audience",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ iat: NOW_S - 700, exp: NOW_S - 31 }) }),
      "token_expired",
    )
    // 30 s of skew is allowed
    expect(
      (await exchange(mock.url, { assertion: await jwt({ iat: NOW_S - 700, exp: NOW_S - 29 }) })).status,
    ).toBe(200)
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ iat: NOW_S - 10, exp: NOW_S + 3600 }) }),
      "token_lifetime_too_long",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ iat: NOW_S + 120, exp: NOW_S + 600 }) }),
      "iat_in_future",
    )
  })

  it("denies HS256, a missing kid, an unknown kid, another issuer and a subject outside the prefix", async () => {
    const hs = await new SignJWT({ sub: "repo:acme/app", aud: AUD })
      .setProtectedHeader({ alg: "HS256", kid: "key-1" })
      .setIssuer(ISSUER)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 60)
      .sign(new TextEncoder().encode("a-shared-secret-that-is-long-enough!!"))
    await expectDenied(await exchange(mock.url, { assertion: hs }), "algorithm_not_allowed")
    const noKid = await new SignJWT({ sub: "repo:acme/app", aud: AUD })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(ISSUER)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 60)
      .sign(privateKey)
    await expectDenied(await exchange(mock.url, { assertion: noKid }), "kid_missing")
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({}, { kid: "key-9" }) }),
      "kid_unknown",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ iss: "https://other.test" }) }),
      "issuer_mismatch",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ sub: "repo:evil/app" }) }),
      "match_subject_prefix",
    )
  })

  it("denies an unknown rule, a wrong organization or service account, and a missing workspace on a multi-workspace rule", async () => {
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt(), federation_rule_id: "fdrl_nope" }),
      "rule_not_found",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt(), organization_id: "org-z" }),
      "organization_mismatch",
    )
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt(), service_account_id: "svac_other" }),
      "service_account_mismatch",
    )
    const multi = { federation_rule_id: "fdrl_multi", repository: "acme/app" }
    await expectDenied(
      await exchange(mock.url, { assertion: await jwt({ repository: "acme/app" }), ...multi }),
      "workspace_id_required",
    )
    await expectDenied(
      await exchange(mock.url, {
        assertion: await jwt({ repository: "acme/app" }),
        ...multi,
        workspace_id: "wrkspc_default",
      }),
      "workspace_not_enabled",
    )
    await expectDenied(
      await exchange(mock.url, {
        assertion: await jwt({ repository: "acme/web" }),
        ...multi,
        workspace_id: "wrkspc_prod",
      }),
      "match_claims",
    )
    const ok = await exchange(mock.url, {
      assertion: await jwt({ repository: "acme/app" }),
      ...multi,
      workspace_id: "wrkspc_prod",
    })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { scope: string }).scope).toBe("workspace:inference")
  })

  it("answers malformed requests with 400 invalid_request_error", async () => {
    for (const [body, message] of [
      [{ grant_type: "client_credentials" }, /grant_type/],
      [{ assertion: undefined }, /assertion: Field required/],
      [{ assertion: "x", federation_rule_id: "rule-1" }, /federation_rule_id/],
      [{ assertion: "x", service_account_id: undefined }, /service_account_id: Field required/],
      [{ assertion: "x", workspace_id: "ws 1" }, /workspace_id/],
    ] as const) {
      const res = await exchange(mock.url, body)
      expect(res.status).toBe(400)
      const json = (await res.json()) as { error: { type: string; message: string } }
      expect(json.error.type).toBe("invalid_request_error")
      expect(json.error.message).toMatch(message)
    }
  })
})

describe("JWKS from the issuer", () => {
  let idp: http.Server
  let idpUrl: string
  let jwksHits = 0
  beforeAll(async () => {
    idp = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json")
      if (req.url === "/.well-known/openid-configuration") {
        res.end(JSON.stringify({ issuer: idpUrl, jwks_uri: `${idpUrl}/jwks` }))
      } else if (req.url === "/jwks") {
        jwksHits++
        res.end(JSON.stringify({ keys: [publicJwk] }))
      } else {
        res.statusCode = 404
        res.end("{}")
      }
    })
    await new Promise<void>((r) => idp.listen(0, "127.0.0.1", r))
    idpUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => idp.close(() => r())))

  it("is found by discovery on loopback and used to verify", async () => {
    const m = await startMockAnthropic({
      ...config([{ issuer: idpUrl }]),
      federationRules: [
        {
          id: "fdrl_idp",
          issuer: idpUrl,
          organizationId: ORG_A,
          serviceAccountId: "svac_ci",
          subjectPrefix: "user-*",
        },
      ],
      now: () => NOW,
    })
    try {
      const assertion = await jwt({ iss: idpUrl, sub: "user-42" })
      const res = await exchange(m.url, { assertion, federation_rule_id: "fdrl_idp" })
      expect(res.status).toBe(200)
      expect(jwksHits).toBeGreaterThan(0)
      // the rule spans only the Default workspace
      const token = ((await res.json()) as { access_token: string }).access_token
      const msg = await post(m.url, HELLO, { key: "", headers: { authorization: `Bearer ${token}` } })
      expect(msg.headers.get("anthropic-workspace-id")).toBe("wrkspc_default")
    } finally {
      await m.close()
    }
  })
})
