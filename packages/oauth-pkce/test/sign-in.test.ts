import {
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  type OidcProvider,
  startOidcProvider,
} from "@keyrelay/test-utils/oidc-provider"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  createOAuthClient,
  OAUTH_PKCE_ERROR_CODES,
  type OAuthClient,
  readIdTokenClaims,
  signIn,
  startLoopbackSignIn,
} from "../src/index.ts"
import { Browser } from "./fixtures/browser.ts"

const CONSENT = { prompt: "consent" }

let idp: OidcProvider
let client: OAuthClient

beforeAll(async () => {
  idp = await startOidcProvider()
  client = createOAuthClient({ issuer: idp.issuer, clientId: OIDC_CLIENT_ID })
})
afterAll(() => idp.close())

function isLoopbackCallback(url: string): boolean {
  return url.startsWith("http://127.0.0.1:") && new URL(url).pathname === "/callback"
}

describe("browser sign-in with a loopback redirect (RFC 8252) against oidc-provider", () => {
  it("signs in end to end: PKCE S256, state and nonce sent, tokens validated, a plain confirmation page", async () => {
    const session = await startLoopbackSignIn({ client, parameters: CONSENT })
    const authorize = new URL(session.url)
    expect(session.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256")
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authorize.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authorize.searchParams.get("redirect_uri")).toBe(session.redirectUri)

    const landing = await new Browser().visit(session.url)
    expect(landing.url.startsWith(session.redirectUri)).toBe(true)
    expect(landing.status).toBe(200)
    expect(landing.body).toContain("Signed in")

    const tokens = await session.result
    expect(tokens.tokenType).toBe("bearer")
    expect(tokens.accessToken.length).toBeGreaterThan(10)
    expect(tokens.refreshToken).toBeTypeOf("string")
    expect(tokens.expiresAt).toBeGreaterThan(Date.now())
    const claims = readIdTokenClaims(tokens.idToken as string)
    expect(claims).toMatchObject({ sub: OIDC_ACCOUNT_ID, aud: OIDC_CLIENT_ID, iss: idp.issuer })
    expect(claims.nonce).toBe(authorize.searchParams.get("nonce"))
  })

  it("the provider refuses a request without PKCE, so the fixture really requires it", async () => {
    const session = await startLoopbackSignIn({ client, parameters: CONSENT })
    const bare = new URL(session.url)
    bare.searchParams.delete("code_challenge")
    bare.searchParams.delete("code_challenge_method")
    const landing = await new Browser().visit(bare.href)
    expect(landing.status).toBe(400)
    await expect(session.result).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.AUTHORIZATION_FAILED,
      error: "invalid_request",
    })
  })

  it("ignores a callback with a foreign state, then accepts the matching one exactly once", async () => {
    const session = await startLoopbackSignIn({ client, parameters: CONSENT })
    const forged = await fetch(`${session.redirectUri}?code=forged&state=not-the-state`)
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain("does not answer the sign-in")
    const wrongPath = await fetch(new URL("/other", session.redirectUri))
    expect(wrongPath.status).toBe(404)
    await wrongPath.arrayBuffer()

    const browser = new Browser()
    const stopped = await browser.visit(session.url, { stopAt: isLoopbackCallback })
    const first = await fetch(stopped.url)
    expect(first.status).toBe(200)
    await first.arrayBuffer()
    await expect(session.result).resolves.toMatchObject({ tokenType: "bearer" })
    // The listener is gone once the sign-in is done: nothing more can be delivered to it.
    await expect(fetch(stopped.url)).rejects.toThrow()
  })

  it("fails with the provider's error_description when the user denies, and shows it on the page", async () => {
    idp.deny = true
    try {
      const session = await startLoopbackSignIn({ client, parameters: CONSENT })
      const landing = await new Browser().visit(session.url)
      expect(landing.status).toBe(400)
      expect(landing.body).toContain("Sign-in failed")
      expect(landing.body).toContain("The test user declined the sign-in")
      await expect(session.result).rejects.toMatchObject({
        code: OAUTH_PKCE_ERROR_CODES.ACCESS_DENIED,
        error: "access_denied",
        errorDescription: "The test user declined the sign-in",
      })
    } finally {
      idp.deny = false
    }
  })

  it("rejects an ID token whose nonce is not the one this sign-in sent", async () => {
    const session = await startLoopbackSignIn({ client, parameters: CONSENT })
    const tampered = new URL(session.url)
    tampered.searchParams.set("nonce", "a-nonce-this-client-never-sent")
    const landing = await new Browser().visit(tampered.href)
    expect(landing.status).toBe(400)
    await expect(session.result).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID })
  })

  it("times out and stops listening when no answer arrives", async () => {
    const session = await startLoopbackSignIn({ client, timeoutMs: 50 })
    await expect(session.result).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.TIMEOUT })
    await expect(fetch(session.redirectUri)).rejects.toThrow()
  })

  it("close() cancels a waiting sign-in", async () => {
    const session = await startLoopbackSignIn({ client })
    await session.close()
    await expect(session.result).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ABORTED })
  })
})

describe("signIn(): browser opener, loopback and pasted code together", () => {
  it("opens the browser with the authorization URL and completes through the loopback redirect", async () => {
    const opened: string[] = []
    const shown: { browserOpened: boolean }[] = []
    const tokens = await signIn({
      client,
      parameters: CONSENT,
      openBrowser: async (url) => {
        opened.push(url)
        void new Browser().visit(url)
        return true
      },
      onAuthorizationUrl: (info) => shown.push(info),
    })
    expect(opened).toHaveLength(1)
    expect(shown).toEqual([expect.objectContaining({ browserOpened: true, url: opened[0] })])
    expect(readIdTokenClaims(tokens.idToken as string).sub).toBe(OIDC_ACCOUNT_ID)
  })

  it("without a browser, takes the pasted redirect address and asks again after a bad paste", async () => {
    let url = ""
    const pastes: string[] = []
    const rejected: string[] = []
    const tokens = await signIn({
      client,
      parameters: CONSENT,
      openBrowser: async () => false,
      onAuthorizationUrl: (info) => {
        url = info.url
        expect(info.browserOpened).toBe(false)
      },
      readPastedInput: async () => {
        if (pastes.length === 0) {
          pastes.push("just-a-code-without-state")
          return "just-a-code-without-state"
        }
        // The browser on "another machine" ends at the loopback address, which it cannot reach there.
        const stopped = await new Browser().visit(url, { stopAt: isLoopbackCallback })
        pastes.push(stopped.url)
        return `  ${stopped.url}\n`
      },
      onPastedInputRejected: (error) => rejected.push(error.code),
    })
    expect(rejected).toEqual([OAUTH_PKCE_ERROR_CODES.PASTED_CODE_INVALID])
    expect(pastes).toHaveLength(2)
    expect(tokens.refreshToken).toBeTypeOf("string")
  })
})

describe("OAuthClient.completeAuthorizationRequest", () => {
  it("exchanges a code once: a second completion is refused", async () => {
    const request = await client.createAuthorizationRequest({
      redirectUri: "http://127.0.0.1:9/callback",
      parameters: CONSENT,
    })
    const stopped = await new Browser().visit(request.url, { stopAt: isLoopbackCallback })
    await expect(client.completeAuthorizationRequest(request, stopped.url)).resolves.toMatchObject({
      tokenType: "bearer",
    })
    await expect(client.completeAuthorizationRequest(request, stopped.url)).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ALREADY_COMPLETED,
    })
  })

  it("keeps its secrets out of sight: the request shows only url and redirectUri", async () => {
    const request = await client.createAuthorizationRequest({ redirectUri: "http://127.0.0.1:9/callback" })
    expect(Object.keys(request).sort()).toEqual(["redirectUri", "url"])
    expect(JSON.stringify(request)).not.toContain("verifier")
  })

  it("refuses to let extra parameters override protocol parameters", async () => {
    await expect(
      client.createAuthorizationRequest({
        redirectUri: "http://127.0.0.1:9/callback",
        parameters: { code_challenge_method: "plain" },
      }),
    ).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS })
  })
})
