import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "vitest"
import { createOAuthClient, OAUTH_PKCE_ERROR_CODES, startLoopbackSignIn } from "../src/index.ts"
import { ISSUER, METADATA, STUB_CLIENT_ID } from "./fixtures/stub-provider.ts"

// Nothing here reaches the provider: these tests stop before the code exchange.
const client = createOAuthClient({ issuer: ISSUER, clientId: STUB_CLIENT_ID, metadata: METADATA })

describe("the loopback listener", () => {
  it("binds 127.0.0.1 only and answers anything but GET on the callback path with 405", async () => {
    const session = await startLoopbackSignIn({ client })
    try {
      expect(new URL(session.redirectUri).hostname).toBe("127.0.0.1")
      const post = await fetch(session.redirectUri, { method: "POST", body: "code=x" })
      expect(post.status).toBe(405)
      expect(post.headers.get("cache-control")).toBe("no-store")
      expect(post.headers.get("referrer-policy")).toBe("no-referrer")
      await post.arrayBuffer()
    } finally {
      await session.close()
    }
  })

  it("escapes whatever it echoes: a provider's description cannot inject markup", async () => {
    const session = await startLoopbackSignIn({ client })
    const state = new URL(session.url).searchParams.get("state") as string
    const query = new URLSearchParams({
      error: "invalid_scope",
      error_description: "<script>alert(1)</script>",
      state,
    })
    const page = await fetch(`${session.redirectUri}?${query}`)
    const html = await page.text()
    expect(page.status).toBe(400)
    expect(html).not.toContain("<script>")
    expect(html).toContain("&lt;script&gt;")
    await expect(session.result).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.AUTHORIZATION_FAILED,
      error: "invalid_scope",
    })
  })

  it("refuses a pasted address of another sign-in and keeps waiting for the right one", async () => {
    const session = await startLoopbackSignIn({ client })
    await expect(
      session.complete("http://127.0.0.1:1/callback?code=x&state=someone-elses"),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.STATE_MISMATCH,
    })
    const state = new URL(session.url).searchParams.get("state") as string
    await expect(
      session.complete(`http://127.0.0.1:1/callback?error=access_denied&state=${state}`),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ACCESS_DENIED,
    })
    await expect(session.result).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ACCESS_DENIED })
    await expect(session.complete(`http://127.0.0.1:1/callback?code=x&state=${state}`)).rejects.toMatchObject(
      {
        code: OAUTH_PKCE_ERROR_CODES.ALREADY_COMPLETED,
      },
    )
  })

  it("says LOOPBACK_UNAVAILABLE when the asked port is taken", async () => {
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve))
    try {
      const port = (squatter.address() as AddressInfo).port
      await expect(startLoopbackSignIn({ client, port })).rejects.toMatchObject({
        code: OAUTH_PKCE_ERROR_CODES.LOOPBACK_UNAVAILABLE,
      })
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it("is cancelled by its AbortSignal", async () => {
    const controller = new AbortController()
    const session = await startLoopbackSignIn({ client, signal: controller.signal })
    controller.abort()
    await expect(session.result).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ABORTED })
    await expect(fetch(session.redirectUri)).rejects.toThrow()
  })

  it.each([
    ["a callback path without /", { callbackPath: "callback" }],
    ["a zero timeout", { timeoutMs: 0 }],
  ])("refuses %s", async (_label, options) => {
    await expect(startLoopbackSignIn({ client, ...options })).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
    })
  })
})
