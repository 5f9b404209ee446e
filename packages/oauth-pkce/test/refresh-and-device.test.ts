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
  type TokenSet,
} from "../src/index.ts"
import { Browser, signInThroughBrowser } from "./fixtures/browser.ts"

let idp: OidcProvider
let client: OAuthClient

beforeAll(async () => {
  idp = await startOidcProvider()
  client = createOAuthClient({ issuer: idp.issuer, clientId: OIDC_CLIENT_ID })
})
afterAll(() => idp.close())

async function signedIn(): Promise<TokenSet & { refreshToken: string; idToken: string }> {
  const tokens = await signInThroughBrowser(client)
  if (!tokens.refreshToken || !tokens.idToken) throw new Error("no refresh or ID token")
  return { ...tokens, refreshToken: tokens.refreshToken, idToken: tokens.idToken }
}

describe("refresh with rotation (RFC 6749 §6) against oidc-provider", () => {
  it("rotates the refresh token and returns a new ID token for the same subject", async () => {
    const first = await signedIn()
    const second = await client.refresh(first.refreshToken, { previousIdToken: first.idToken })
    expect(second.refreshToken).toBeTypeOf("string")
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.accessToken).not.toBe(first.accessToken)
    const before = readIdTokenClaims(first.idToken)
    const after = readIdTokenClaims(second.idToken as string)
    expect(after.sub).toBe(OIDC_ACCOUNT_ID)
    expect(after.jti).not.toBe(before.jti)
  })

  it("detects reuse of a rotated refresh token: invalid_grant, and the whole grant is revoked", async () => {
    const first = await signedIn()
    const second = await client.refresh(first.refreshToken)
    const reuse = client.refresh(first.refreshToken)
    await expect(reuse).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_GRANT,
      error: "invalid_grant",
      errorDescription: "grant request is invalid",
      status: 400,
    })
    // The provider treats reuse as theft: the newest refresh token dies with the grant.
    await expect(client.refresh(second.refreshToken as string)).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_GRANT,
    })
  })

  it("never puts a token in the error it throws", async () => {
    const first = await signedIn()
    await client.refresh(first.refreshToken)
    const error = await client.refresh(first.refreshToken).catch((e: unknown) => e)
    const printed = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)}`
    for (const secret of [first.refreshToken, first.accessToken, first.idToken])
      expect(printed).not.toContain(secret)
  })
})

describe("device authorization grant (RFC 8628) against oidc-provider", () => {
  it("polls while pending at the advertised interval, then returns tokens once the user approves", async () => {
    const slept: number[] = []
    const browser = new Browser()
    let device: Awaited<ReturnType<OAuthClient["startDeviceAuthorization"]>>
    const deviceClient = createOAuthClient({
      issuer: idp.issuer,
      clientId: OIDC_CLIENT_ID,
      sleep: async (ms) => {
        slept.push(ms)
        // The user approves on another device while the CLI waits for the second poll.
        if (slept.length === 2) await browser.approveDevice(device.verificationUri, device.userCode)
      },
    })
    device = await deviceClient.startDeviceAuthorization()
    expect(device.userCode).toMatch(/^[A-Z]{4}-?[A-Z]{4}$/)
    expect(device.verificationUri).toBe(`${idp.issuer}/device`)
    expect(device.expiresAt).toBeGreaterThan(Date.now())
    const tokens = await device.poll()
    expect(slept).toEqual([5000, 5000])
    expect(readIdTokenClaims(tokens.idToken as string).sub).toBe(OIDC_ACCOUNT_ID)
    expect(tokens.refreshToken).toBeTypeOf("string")
    // A second poll() joins the finished one instead of polling again.
    await expect(device.poll()).resolves.toBe(tokens)
  })

  it("fails with access_denied and the provider's description when the user declines", async () => {
    const browser = new Browser()
    let device: Awaited<ReturnType<OAuthClient["startDeviceAuthorization"]>>
    const deviceClient = createOAuthClient({
      issuer: idp.issuer,
      clientId: OIDC_CLIENT_ID,
      sleep: async () => {
        await browser.approveDevice(device.verificationUri, device.userCode, "abort")
      },
    })
    device = await deviceClient.startDeviceAuthorization()
    await expect(device.poll()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ACCESS_DENIED,
      error: "access_denied",
      errorDescription: "End-User aborted interaction",
    })
  })

  it("stops with DEVICE_CODE_EXPIRED once the code's lifetime has passed on the client's clock", async () => {
    let now = Date.now()
    const deviceClient = createOAuthClient({
      issuer: idp.issuer,
      clientId: OIDC_CLIENT_ID,
      now: () => now,
      sleep: async () => {
        now += 200_000
      },
    })
    const device = await deviceClient.startDeviceAuthorization()
    await expect(device.poll()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.DEVICE_CODE_EXPIRED })
  })
})

describe("discovery (OpenID Connect Discovery / RFC 8414)", () => {
  it("discovers the provider's endpoints once and caches them", async () => {
    let requests = 0
    const counting = createOAuthClient({
      issuer: idp.issuer,
      clientId: OIDC_CLIENT_ID,
      fetch: (input, init) => {
        requests++
        return fetch(input, init)
      },
    })
    const [a, b] = await Promise.all([counting.discover(), counting.discover()])
    expect(a).toBe(b)
    expect(a.token_endpoint).toBe(`${idp.issuer}/token`)
    expect(a.device_authorization_endpoint).toBe(`${idp.issuer}/device/auth`)
    expect(requests).toBe(1)
  })

  it("refuses metadata whose issuer differs from the configured one (mix-up protection)", async () => {
    const wrong = createOAuthClient({
      issuer: `${idp.issuer}/tenant`,
      clientId: OIDC_CLIENT_ID,
      discovery: "oidc",
    })
    await expect(wrong.discover()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.DISCOVERY_FAILED })
  })
})
