import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AccountStore, openAccountStore } from "@keyrelay/account-store"
import type { LoopbackSignIn, OAuthClient, TokenSet } from "@keyrelay/oauth-pkce"
import { identityTokenStore } from "@keyrelay/pool-fetch"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { KEYRELAY_AUTH_MARKER } from "./_auth-marker.ts"
import type { AuthMethod } from "./_auth-methods.ts"
import { type FederationSignInDependencies, federationSignInMethod } from "./_federation-method.ts"

type OAuthMethod = Extract<AuthMethod, { type: "oauth" }>

const TOKENS: TokenSet = {
  accessToken: "test-access-token",
  tokenType: "bearer",
  expiresAt: 4_102_444_800_000,
  refreshToken: "test-refresh-token",
  idToken: "test.id.token",
  scope: "openid offline_access",
}
const INPUTS = {
  label: "work-sso",
  issuer: "https://login.example.test",
  clientId: "keyrelay-native",
  federationRuleId: "fdrl_01Rule",
  organizationId: "11111111-1111-4111-8111-111111111111",
  serviceAccountId: "svac_01Dev",
  workspaceId: "",
  browser: "auto",
}

describe("the federation sign-in method", () => {
  let home: string
  let store: AccountStore
  let errors: string[]
  let opened: string[]
  let pasted: string[]
  let closed: number
  let outcome: { resolve: (t: TokenSet) => void; reject: (e: Error) => void }
  let clientOptions: unknown

  const dependencies: FederationSignInDependencies = {
    async createClient(options) {
      clientOptions = options
      return {} as OAuthClient
    },
    async startSignIn() {
      const result = new Promise<TokenSet>((resolve, reject) => {
        outcome = { resolve, reject }
      })
      result.catch(() => undefined)
      return {
        url: "https://login.example.test/authorize?client_id=keyrelay-native",
        redirectUri: "http://127.0.0.1:1/callback",
        result,
        async complete(text) {
          pasted.push(text)
          return TOKENS
        },
        async close() {
          closed++
        },
      } satisfies LoopbackSignIn
    },
    async openBrowser(url) {
      opened.push(url)
      return true
    },
    async tokenStore(s, accountId) {
      return identityTokenStore(s, accountId)
    },
  }

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "keyrelay-plugin-federation-"))
    store = await openAccountStore({ home, watch: false, flushOnExit: false })
    errors = []
    opened = []
    pasted = []
    closed = 0
    clientOptions = undefined
  })
  afterEach(async () => {
    await store.close()
    rmSync(home, { recursive: true, force: true })
  })

  const method = () =>
    federationSignInMethod(
      { store: async () => store, reportError: (message) => errors.push(message) },
      dependencies,
    ) as OAuthMethod

  it("signs in through the browser, then adds the account and keeps the tokens in its token slot", async () => {
    const authorization = await method().authorize(INPUTS)
    expect(authorization).toMatchObject({
      method: "auto",
      url: expect.stringContaining("login.example.test"),
    })
    expect(opened).toEqual([authorization.url])
    expect(clientOptions).toEqual({
      issuer: INPUTS.issuer,
      clientId: INPUTS.clientId,
      scope: "openid offline_access",
    })
    expect(store.listAccounts()).toEqual([])
    if (authorization.method !== "auto") throw new Error("unreachable")
    const pending = authorization.callback()
    outcome.resolve(TOKENS)
    expect(await pending).toEqual({ type: "success", key: KEYRELAY_AUTH_MARKER })
    const [account] = store.listAccounts()
    expect(account).toMatchObject({
      label: "work-sso",
      credential: {
        kind: "federation",
        federationRuleId: "fdrl_01Rule",
        serviceAccountId: "svac_01Dev",
        identityToken: { source: "oauth", issuer: INPUTS.issuer, clientId: INPUTS.clientId },
      },
    })
    expect(await identityTokenStore(store, account!.id).load()).toEqual({ ...TOKENS, idTokenSpent: false })
    expect(readFileSync(join(home, "accounts.json"), "utf8")).not.toContain("test-refresh-token")
    expect(closed).toBe(1)
  })

  it("completes with the address pasted into OpenCode when the browser is elsewhere", async () => {
    const authorization = await method().authorize({ ...INPUTS, browser: "code", workspaceId: "wrkspc_01X" })
    expect(authorization.method).toBe("code")
    expect(opened).toEqual([])
    if (authorization.method !== "code") throw new Error("unreachable")
    await expect(authorization.callback("http://127.0.0.1:1/callback?code=c&state=s")).resolves.toMatchObject(
      {
        type: "success",
      },
    )
    expect(pasted).toEqual(["http://127.0.0.1:1/callback?code=c&state=s"])
    expect(store.listAccounts()[0]?.credential).toMatchObject({ workspaceId: "wrkspc_01X" })
  })

  it("adds nothing when the sign-in fails, and says why", async () => {
    const authorization = await method().authorize(INPUTS)
    if (authorization.method !== "auto") throw new Error("unreachable")
    const pending = authorization.callback()
    outcome.reject(new Error("the user denied access"))
    await expect(pending).rejects.toMatchObject({
      code: "ERR_PLUGIN_SIGN_IN_FAILED",
      message: expect.stringContaining("the user denied access"),
    })
    expect(store.listAccounts()).toEqual([])
    expect(errors).toEqual([expect.stringContaining("login.example.test")])
    expect(closed).toBe(1)
  })

  it("refuses malformed federation ids before any sign-in starts", async () => {
    await expect(method().authorize({ ...INPUTS, federationRuleId: "rule-1" })).rejects.toMatchObject({
      code: "ERR_PLUGIN_INVALID_INPUT",
    })
    expect(clientOptions).toBeUndefined()
    const prompt = method().prompts!.find((p) => p.key === "serviceAccountId")!
    if (prompt.type !== "text") throw new Error("unreachable")
    expect(prompt.validate!("svac_01Dev")).toBeUndefined()
    expect(prompt.validate!("dev")).toMatch(/svac_/)
  })
})
