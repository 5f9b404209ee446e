// Workload identity federation end to end through pool-fetch: an identity token (a test-signed JWT from a file or a
// command, or an ID token from a sign-in to a real OpenID Provider) exchanged at the mock's /v1/oauth/token by the SDK's oidcFederationProvider in its TokenCache, the
// minted bearer token on /v1/messages, and a 401 → invalidate → re-mint once.
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createTestIdentityIssuer } from "@keyrelay/test-utils"
import {
  Browser,
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  startOidcProvider,
} from "@keyrelay/test-utils/oidc-provider"
import { afterEach, describe, expect, it } from "vitest"
import { ACCESS_TOKEN_SLOT, createFederationSignIn, IDENTITY_TOKEN_SLOT } from "../src/index.ts"
import { ORG_B, type Pool, send, startPool } from "./_pool.ts"

const idp = createTestIdentityIssuer()
const jwt = (claims?: Record<string, unknown>) => idp.sign(claims)

let fixture: Pool | undefined
let dir: string | undefined
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

async function federationPool(checkJti: boolean) {
  fixture = await startPool({
    labels: [],
    mock: {
      issuers: [{ ...idp.mockIssuer, checkJti }],
      federationRules: [
        {
          id: "fdrl_test",
          issuer: idp.issuer,
          organizationId: ORG_B,
          serviceAccountId: "svac_test",
          subjectPrefix: "repo:keyrelay/*",
          audience: "https://api.anthropic.com",
          tokenLifetimeSeconds: 600,
          label: "federation",
        },
      ],
    },
  })
  dir = await mkdtemp(join(tmpdir(), "keyrelay-wif-"))
  return fixture
}

describe("federation with a file identity token", () => {
  it("exchanges once, sends the minted bearer token, and shares it through the store", async () => {
    const { pool, store, mock } = await federationPool(false)
    const tokenFile = join(dir as string, "token")
    await writeFile(tokenFile, jwt())
    const account = await store.addAccount({
      label: "ci",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_test",
        organizationId: ORG_B,
        serviceAccountId: "svac_test",
        identityToken: { source: "file", path: tokenFile },
      },
      baseUrl: mock.url,
    })
    for (let i = 0; i < 3; i++) expect((await send(pool)).status).toBe(200)
    const paths = mock.requests.map((r) => `${r.path} ${r.credential?.label ?? "-"}`)
    expect(paths).toEqual([
      "/v1/oauth/token federation",
      "/v1/messages federation",
      "/v1/messages federation",
      "/v1/messages federation",
    ])
    const exchange = mock.requests[0]!
    expect(exchange.response?.status).toBe(200)
    expect(exchange.headers["anthropic-beta"]).toContain("oidc-federation-2026-04-01")
    const message = mock.requests[1]!
    expect(message.headers.authorization).toMatch(/^Bearer /)
    expect(message.headers["x-api-key"]).toBeUndefined()
    expect(message.headers["anthropic-beta"]).toContain("oauth-2025-04-20")
    const slot = await store.readTokenSlot(account.id, ACCESS_TOKEN_SLOT)
    expect(slot?.value.reveal()).toMatch(/^sk-ant-oat01-/)
    expect(slot?.expiresAt).toBeGreaterThan(Date.now())
  })

  it("a 401 on the minted token invalidates it and re-mints once; the request is served", async () => {
    const { pool, store, mock } = await federationPool(false)
    const tokenFile = join(dir as string, "token")
    await writeFile(tokenFile, jwt())
    await store.addAccount({
      label: "ci",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_test",
        organizationId: ORG_B,
        serviceAccountId: "svac_test",
        identityToken: { source: "file", path: tokenFile },
      },
      baseUrl: mock.url,
    })
    expect((await send(pool)).status).toBe(200)
    mock.script({ match: { credential: "federation" }, respond: { kind: "error", error: "authentication" } })
    expect((await send(pool)).status).toBe(200)
    const paths = mock.requests.map((r) => `${r.path} ${r.response?.status}`)
    expect(paths).toEqual([
      "/v1/oauth/token 200",
      "/v1/messages 200",
      "/v1/messages 401",
      "/v1/oauth/token 200",
      "/v1/messages 200",
    ])
    // The re-minted token is a new one.
    expect(mock.requests[4]?.headers.authorization).not.toBe(mock.requests[2]?.headers.authorization)
  })
})

describe("federation with a command identity token", () => {
  it("runs the command for every exchange (each JWT used once) and serves", async () => {
    const { pool, store, mock } = await federationPool(true)
    const first = join(dir as string, "jwt-1")
    await writeFile(first, jwt())
    await store.addAccount({
      label: "ci",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_test",
        organizationId: ORG_B,
        serviceAccountId: "svac_test",
        identityToken: { source: "command", command: `cat '${first}'`, timeoutMs: 5000 },
      },
      baseUrl: mock.url,
    })
    expect((await send(pool)).status).toBe(200)
    expect(mock.requests.map((r) => r.path)).toEqual(["/v1/oauth/token", "/v1/messages"])
  })

  it("an exchange the API refuses is a credential failure named for the account, and the pool says so", async () => {
    const { pool, store, mock, events } = await federationPool(true)
    const token = join(dir as string, "jwt")
    await writeFile(token, jwt({ sub: "someone-else" }))
    await store.addAccount({
      label: "ci",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_test",
        organizationId: ORG_B,
        serviceAccountId: "svac_test",
        identityToken: { source: "command", command: `cat '${token}'`, timeoutMs: 5000 },
      },
      baseUrl: mock.url,
    })
    const response = await send(pool)
    expect(response.status).toBe(401)
    expect(mock.requests.map((r) => r.path)).toEqual(["/v1/oauth/token"])
    const failed = events.find((e) => e.type === "credential-failed")
    expect(failed?.message).toContain('"ci"')
    expect(failed?.message).toContain("401")
  })
})

describe("federation with an oauth identity token (a sign-in to the user's own identity provider)", () => {
  it("exchanges fresh ID tokens from a real OpenID Provider, rotating the refresh token in the store", async () => {
    const idp = await startOidcProvider()
    try {
      fixture = await startPool({
        labels: [],
        mock: {
          issuers: [{ issuer: idp.issuer }],
          federationRules: [
            {
              id: "fdrl_oidc",
              issuer: idp.issuer,
              organizationId: ORG_B,
              serviceAccountId: "svac_test",
              subjectPrefix: OIDC_ACCOUNT_ID,
              label: "oidc-federation",
            },
          ],
        },
      })
      const { pool, store, mock } = fixture
      const account = await store.addAccount({
        label: "laptop",
        credential: {
          kind: "federation",
          federationRuleId: "fdrl_oidc",
          organizationId: ORG_B,
          serviceAccountId: "svac_test",
          identityToken: {
            source: "oauth",
            issuer: idp.issuer,
            clientId: OIDC_CLIENT_ID,
            scopes: ["openid", "offline_access"],
          },
        },
        baseUrl: mock.url,
      })
      // What `keyrelay login` and the plugin's federation method do: sign in once, keep the tokens for the account.
      const credential = account.credential
      if (credential.kind !== "federation" || credential.identityToken.source !== "oauth")
        throw new Error("unreachable")
      const signIn = createFederationSignIn({ identityToken: credential.identityToken })
      const session = await signIn.start({ openBrowser: false })
      await new Browser().visit(session.url)
      await signIn.save(store, account.id, await session.result)

      expect((await send(pool)).status).toBe(200)
      // The minted token is refused once: the pool re-mints with a fresh ID token (a refresh at the provider).
      mock.script({
        match: { credential: "oidc-federation" },
        respond: { kind: "error", error: "authentication" },
      })
      expect((await send(pool)).status).toBe(200)
      expect(mock.requests.map((r) => `${r.path} ${r.response?.status}`)).toEqual([
        "/v1/oauth/token 200",
        "/v1/messages 200",
        "/v1/messages 401",
        "/v1/oauth/token 200",
        "/v1/messages 200",
      ])
      expect(idp.refreshes).toHaveLength(1)
      const stored = JSON.parse(
        (await store.readTokenSlot(account.id, IDENTITY_TOKEN_SLOT))?.value.reveal() ?? "{}",
      )
      expect(stored.idTokenSpent).toBe(true)
      expect(stored.refreshToken).toBeDefined()
    } finally {
      await fixture?.close()
      fixture = undefined
      await idp.close()
    }
  })
})
