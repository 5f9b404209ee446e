import { describe, expect, it } from "vitest"
import { ISSUER, json, METADATA, STUB_CLIENT_ID, scriptedFetch } from "../test/fixtures/stub-provider.ts"
import { createOAuthClient } from "./create-oauth-client.ts"
import { OAUTH_PKCE_ERROR_CODES } from "./oauth-pkce-error.ts"

const STARTED = {
  device_code: "device-code-test",
  user_code: "WDJB-MJHT",
  verification_uri: `${ISSUER}/device`,
  verification_uri_complete: `${ISSUER}/device?user_code=WDJB-MJHT`,
  expires_in: 600,
  interval: 2,
}
const TOKENS = { access_token: "at-test", token_type: "Bearer", refresh_token: "rt-test", expires_in: 3600 }

function deviceClient(polls: (Response | Error)[], clock = { now: 1_000_000 }) {
  const slept: number[] = []
  const fetch = scriptedFetch((call, index) => {
    if (index === 0) {
      expect(call.url).toBe(METADATA.device_authorization_endpoint)
      return json(200, STARTED)
    }
    expect(call.body.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:device_code")
    expect(call.body.get("device_code")).toBe("device-code-test")
    return polls[index - 1] ?? new Error("no more scripted answers")
  })
  const client = createOAuthClient({
    issuer: ISSUER,
    clientId: STUB_CLIENT_ID,
    metadata: METADATA,
    fetch,
    now: () => clock.now,
    sleep: async (ms) => {
      slept.push(ms)
      clock.now += ms
    },
  })
  return { client, slept, fetch }
}

describe("device authorization grant (RFC 8628 §3.4–3.5)", () => {
  it("shows what the user needs and sends the client's scope", async () => {
    const { client, fetch } = deviceClient([])
    const device = await client.startDeviceAuthorization()
    expect(device).toMatchObject({
      userCode: "WDJB-MJHT",
      verificationUri: `${ISSUER}/device`,
      verificationUriComplete: `${ISSUER}/device?user_code=WDJB-MJHT`,
      expiresAt: 1_000_000 + 600_000,
    })
    expect(fetch.calls[0]?.body.get("scope")).toBe("openid offline_access")
    expect(fetch.calls[0]?.body.get("client_id")).toBe(STUB_CLIENT_ID)
  })

  it("waits the interval while pending, adds 5 s for good on slow_down, and returns the tokens", async () => {
    const { client, slept } = deviceClient([
      json(400, { error: "authorization_pending" }),
      json(400, { error: "slow_down" }),
      json(400, { error: "authorization_pending" }),
      json(200, TOKENS),
    ])
    const tokens = await (await client.startDeviceAuthorization()).poll()
    expect(slept).toEqual([2000, 2000, 7000, 7000])
    expect(tokens).toEqual({
      accessToken: "at-test",
      tokenType: "bearer",
      refreshToken: "rt-test",
      expiresAt: 1_000_000 + 18_000 + 3_600_000,
    })
  })

  it("backs off exponentially when the provider cannot be reached, then carries on", async () => {
    const { client, slept } = deviceClient([new TypeError("fetch failed"), json(200, TOKENS)])
    await (await client.startDeviceAuthorization()).poll()
    expect(slept).toEqual([2000, 4000])
  })

  it("maps expired_token and access_denied to their codes, with the provider's description", async () => {
    const expired = deviceClient([json(400, { error: "expired_token", error_description: "too late" })])
    await expect((await expired.client.startDeviceAuthorization()).poll()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.DEVICE_CODE_EXPIRED,
      error: "expired_token",
      errorDescription: "too late",
    })
    const denied = deviceClient([json(400, { error: "access_denied" })])
    await expect((await denied.client.startDeviceAuthorization()).poll()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ACCESS_DENIED,
    })
  })

  it("stops polling at the code's expiry even if the provider keeps saying pending", async () => {
    const pending = Array.from({ length: 400 }, () => json(400, { error: "authorization_pending" }))
    const { client, fetch } = deviceClient(pending)
    await expect((await client.startDeviceAuthorization()).poll()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.DEVICE_CODE_EXPIRED,
    })
    expect(fetch.calls.length - 1).toBe(299) // 600 s at 2 s, the last wait ending exactly at expiry
  })

  it("stops when the caller aborts", async () => {
    const controller = new AbortController()
    const { client } = deviceClient([json(400, { error: "authorization_pending" })])
    const device = await client.startDeviceAuthorization()
    controller.abort()
    await expect(device.poll({ signal: controller.signal })).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ABORTED,
    })
  })

  it("says UNSUPPORTED when the provider has no device endpoint", async () => {
    const { device_authorization_endpoint: _, ...withoutDevice } = METADATA
    const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, metadata: withoutDevice })
    await expect(client.startDeviceAuthorization()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.UNSUPPORTED,
    })
  })
})
