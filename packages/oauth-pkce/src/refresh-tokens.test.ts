import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import {
  fakeIdToken,
  ISSUER,
  json,
  METADATA,
  STUB_CLIENT_ID,
  scriptedFetch,
} from "../test/fixtures/stub-provider.ts"
import { createOAuthClient } from "./create-oauth-client.ts"
import { OAUTH_PKCE_ERROR_CODES } from "./oauth-pkce-error.ts"

const OLD_REFRESH = "rt-test-old-0000"
const NEW_REFRESH = "rt-test-new-1111"

function clientAnswering(answer: () => Response | Error, extra: { requestTimeoutMs?: number } = {}) {
  const fetch = scriptedFetch(() => answer())
  const client = createOAuthClient({
    issuer: ISSUER,
    clientId: STUB_CLIENT_ID,
    metadata: METADATA,
    verifyIdTokenSignature: false,
    fetch,
    now: () => 5_000,
    ...extra,
  })
  return { client, fetch }
}

describe("OAuthClient.refresh (RFC 6749 §6)", () => {
  it("sends a public-client refresh request and takes the rotated refresh token", async () => {
    const idToken = fakeIdToken()
    const { client, fetch } = clientAnswering(() =>
      json(200, {
        access_token: "at-test",
        token_type: "Bearer",
        expires_in: 60,
        refresh_token: NEW_REFRESH,
        id_token: idToken,
      }),
    )
    await expect(client.refresh(OLD_REFRESH, { scope: "openid" })).resolves.toEqual({
      accessToken: "at-test",
      tokenType: "bearer",
      expiresAt: 65_000,
      refreshToken: NEW_REFRESH,
      idToken,
    })
    const body = fetch.calls[0]?.body
    expect(fetch.calls[0]?.url).toBe(METADATA.token_endpoint)
    expect(body?.get("grant_type")).toBe("refresh_token")
    expect(body?.get("refresh_token")).toBe(OLD_REFRESH)
    expect(body?.get("client_id")).toBe(STUB_CLIENT_ID)
    expect(body?.get("scope")).toBe("openid")
  })

  it("keeps the old refresh token when the provider does not rotate", async () => {
    const { client } = clientAnswering(() => json(200, { access_token: "at-test", token_type: "bearer" }))
    await expect(client.refresh(OLD_REFRESH)).resolves.toMatchObject({ refreshToken: OLD_REFRESH })
  })

  it("hands a rotated refresh token to keepRotatedRefreshToken when the ID token then fails validation", async () => {
    const kept: string[] = []
    const { client } = clientAnswering(() =>
      json(200, {
        access_token: "at-test",
        token_type: "Bearer",
        refresh_token: NEW_REFRESH,
        id_token: fakeIdToken({ aud: "someone-else" }),
      }),
    )
    await expect(
      client.refresh(OLD_REFRESH, { keepRotatedRefreshToken: async (token) => void kept.push(token) }),
    ).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID })
    expect(kept).toEqual([NEW_REFRESH])
  })

  it("refuses a refreshed ID token for another subject (OpenID Connect Core §12.2)", async () => {
    const kept: string[] = []
    const { client } = clientAnswering(() =>
      json(200, {
        access_token: "a",
        token_type: "Bearer",
        refresh_token: NEW_REFRESH,
        id_token: fakeIdToken({ sub: "user-2" }),
      }),
    )
    await expect(
      client.refresh(OLD_REFRESH, {
        previousIdToken: fakeIdToken({ sub: "user-1" }),
        keepRotatedRefreshToken: async (token) => void kept.push(token),
      }),
    ).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID })
    expect(kept).toEqual([NEW_REFRESH])
  })

  it("maps invalid_grant with the provider's description, and never prints a token", async () => {
    const { client } = clientAnswering(() =>
      json(400, { error: "invalid_grant", error_description: "refresh token already used" }),
    )
    const error = await client.refresh(OLD_REFRESH).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_GRANT,
      error: "invalid_grant",
      errorDescription: "refresh token already used",
      status: 400,
    })
    expect((error as Error).message).toContain("refresh token already used")
    expect((error as Error).message).toContain("Sign in again")
    expect(inspect(error, { depth: 5 })).not.toContain(OLD_REFRESH)
  })

  it("does not let a response body that echoes tokens into the error's cause", async () => {
    const { client } = clientAnswering(() => json(200, { token_type: "Bearer", refresh_token: NEW_REFRESH }))
    const error = await client.refresh(OLD_REFRESH).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.INVALID_RESPONSE })
    expect(`${inspect(error, { depth: 8 })} ${JSON.stringify(error)}`).not.toContain(NEW_REFRESH)
  })

  it.each([
    [
      "a 503 without an OAuth body",
      () => new Response("upstream down", { status: 503 }),
      OAUTH_PKCE_ERROR_CODES.TOKEN_REQUEST_FAILED,
    ],
    [
      "invalid_client",
      () => json(401, { error: "invalid_client" }),
      OAUTH_PKCE_ERROR_CODES.TOKEN_REQUEST_FAILED,
    ],
    ["a refused connection", () => new TypeError("fetch failed"), OAUTH_PKCE_ERROR_CODES.NETWORK],
    [
      "a token_type it does not know",
      () => json(200, { access_token: "a", token_type: "mac" }),
      OAUTH_PKCE_ERROR_CODES.UNSUPPORTED,
    ],
  ])("maps %s", async (_label, answer, code) => {
    const { client } = clientAnswering(answer)
    await expect(client.refresh(OLD_REFRESH)).rejects.toMatchObject({ code })
  })

  it("times out a provider that never answers", async () => {
    const fetch = (async (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      })) as typeof globalThis.fetch
    const client = createOAuthClient({
      issuer: ISSUER,
      clientId: STUB_CLIENT_ID,
      metadata: METADATA,
      fetch,
      requestTimeoutMs: 20,
    })
    await expect(client.refresh(OLD_REFRESH)).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.TIMEOUT })
  })
})
