import { describe, expect, it } from "vitest"
import { ISSUER, json, METADATA, STUB_CLIENT_ID, scriptedFetch } from "../test/fixtures/stub-provider.ts"
import { createOAuthClient } from "./create-oauth-client.ts"
import { OAUTH_PKCE_ERROR_CODES } from "./oauth-pkce-error.ts"

describe("createOAuthClient options", () => {
  it.each([
    ["an empty client id", { issuer: ISSUER, clientId: "" }, OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS],
    ["a malformed issuer", { issuer: "not a url", clientId: "c" }, OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS],
    [
      "an http issuer off loopback",
      { issuer: "http://idp.example.test", clientId: "c" },
      OAUTH_PKCE_ERROR_CODES.INSECURE_ENDPOINT,
    ],
    [
      "a zero timeout",
      { issuer: ISSUER, clientId: "c", requestTimeoutMs: 0 },
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
    ],
    [
      "metadata of another issuer",
      { issuer: ISSUER, clientId: "c", metadata: { ...METADATA, issuer: "https://other.test" } },
      OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
    ],
    [
      "metadata with an http token endpoint",
      {
        issuer: ISSUER,
        clientId: "c",
        metadata: { ...METADATA, token_endpoint: "http://idp.example.test/token" },
      },
      OAUTH_PKCE_ERROR_CODES.INSECURE_ENDPOINT,
    ],
  ])("refuses %s", (_label, options, code) => {
    expect(() => createOAuthClient(options)).toThrow(expect.objectContaining({ code }))
  })

  it("accepts plain http on loopback (development and tests)", () => {
    expect(createOAuthClient({ issuer: "http://127.0.0.1:8080", clientId: "c" }).issuer).toBe(
      "http://127.0.0.1:8080",
    )
    expect(createOAuthClient({ issuer: "http://[::1]:8080", clientId: "c" }).clientId).toBe("c")
  })
})

describe("discovery", () => {
  it("falls back from OpenID Connect Discovery to RFC 8414 metadata on a 404", async () => {
    const fetch = scriptedFetch((call) =>
      call.url.endsWith("/.well-known/openid-configuration")
        ? new Response("not found", { status: 404 })
        : json(200, METADATA),
    )
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, fetch })
    await expect(client.discover()).resolves.toMatchObject({ token_endpoint: METADATA.token_endpoint })
    expect(fetch.calls.map((c) => c.url)).toEqual([
      `${ISSUER}/.well-known/openid-configuration`,
      `${ISSUER}/.well-known/oauth-authorization-server`,
    ])
  })

  it("refuses metadata that advertises a plain-http endpoint off loopback", async () => {
    const fetch = scriptedFetch(() =>
      json(200, { ...METADATA, token_endpoint: "http://idp.example.test/token" }),
    )
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, fetch })
    await expect(client.discover()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.INSECURE_ENDPOINT })
  })

  it("forgets a failed discovery so the next call tries again", async () => {
    let fail = true
    const fetch = scriptedFetch(() => (fail ? new TypeError("fetch failed") : json(200, METADATA)))
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, fetch, discovery: "oidc" })
    await expect(client.discover()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.NETWORK })
    fail = false
    await expect(client.discover()).resolves.toMatchObject({ issuer: ISSUER })
  })

  it("reports a non-JSON discovery document as DISCOVERY_FAILED", async () => {
    const fetch = scriptedFetch(
      () => new Response("<html>", { status: 200, headers: { "content-type": "text/html" } }),
    )
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, fetch, discovery: "oidc" })
    await expect(client.discover()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.DISCOVERY_FAILED })
  })
})

describe("createAuthorizationRequest", () => {
  it("refuses a provider that does not offer S256 rather than falling back to plain", async () => {
    const client = createOAuthClient({
      issuer: ISSUER,
      clientId: STUB_CLIENT_ID,
      metadata: { ...METADATA, code_challenge_methods_supported: ["plain"] },
    })
    await expect(
      client.createAuthorizationRequest({ redirectUri: "http://127.0.0.1:1/callback" }),
    ).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.UNSUPPORTED })
  })

  it("sends no nonce without the openid scope, and a fresh state every time", async () => {
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, metadata: METADATA })
    const a = new URL(
      (await client.createAuthorizationRequest({ redirectUri: "http://127.0.0.1:1/cb", scope: "profile" }))
        .url,
    )
    const b = new URL((await client.createAuthorizationRequest({ redirectUri: "http://127.0.0.1:1/cb" })).url)
    expect(a.searchParams.has("nonce")).toBe(false)
    expect(a.searchParams.get("scope")).toBe("profile")
    expect(b.searchParams.get("scope")).toBe("openid offline_access")
    expect(a.searchParams.get("state")).not.toBe(b.searchParams.get("state"))
  })

  it("refuses a state that does not match, before any request", async () => {
    const fetch = scriptedFetch(() => new Error("must not be called"))
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, metadata: METADATA, fetch })
    const request = await client.createAuthorizationRequest({ redirectUri: "http://127.0.0.1:1/cb" })
    await expect(
      client.completeAuthorizationRequest(request, "http://127.0.0.1:1/cb?code=x&state=y"),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
    })
    await expect(
      client.completeAuthorizationRequest(request, "http://127.0.0.1:1/cb?code=x"),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
    })
    await expect(client.completeAuthorizationRequest(request, "not an answer")).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.PASTED_CODE_INVALID,
    })
    expect(fetch.calls).toEqual([])
  })
})
