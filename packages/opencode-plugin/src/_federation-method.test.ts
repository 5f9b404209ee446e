import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AccountStore, openAccountStore } from "@keyrelay/account-store"
import {
  createFederationSignIn,
  DEFAULT_FEDERATION_SCOPES,
  type FederationBrowserOptions,
  type FederationBrowserSignIn,
  type FederationSignInOptions,
  identityTokenStore,
  PoolFetchError,
  type TokenSet,
} from "@keyrelay/pool-fetch"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { AuthMethod } from "./_auth-methods.ts"
import { federationSignInMethod, type LoadFederationSignIn } from "./_federation-method.ts"

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
  let started: FederationBrowserOptions[]
  let pasted: string[]
  let closed: number
  let outcome: { resolve: (t: TokenSet) => void; reject: (e: Error) => void }
  let signInOptions: FederationSignInOptions | undefined

  // pool-fetch's sign-in with the identity provider faked; saving is pool-fetch's own.
  const load: LoadFederationSignIn = async () => ({
    DEFAULT_FEDERATION_SCOPES,
    createFederationSignIn(options) {
      signInOptions = options
      const real = createFederationSignIn(options)
      return {
        ...real,
        async start(browser = {}) {
          started.push(browser)
          const result = new Promise<TokenSet>((resolve, reject) => {
            outcome = { resolve, reject }
          })
          result.catch(() => undefined)
          return {
            url: "https://login.example.test/authorize?client_id=keyrelay-native",
            redirectUri: "http://127.0.0.1:1/callback",
            browserOpened: browser.openBrowser !== false,
            result,
            async complete(text) {
              pasted.push(text)
              return TOKENS
            },
            async close() {
              closed++
            },
          } satisfies FederationBrowserSignIn
        },
      }
    },
  })

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "keyrelay-plugin-federation-"))
    store = await openAccountStore({ home, watch: false, flushOnExit: false })
    errors = []
    started = []
    pasted = []
    closed = 0
    signInOptions = undefined
  })
  afterEach(async () => {
    await store.close()
    rmSync(home, { recursive: true, force: true })
  })

  const method = () =>
    federationSignInMethod(
      { store: async () => store, reportError: (message) => errors.push(message) },
      load,
    ) as OAuthMethod

  it("signs in through the browser, then adds the account and keeps the tokens in its token slot", async () => {
    const authorization = await method().authorize(INPUTS)
    expect(authorization).toMatchObject({
      method: "auto",
      url: expect.stringContaining("login.example.test"),
    })
    expect(started).toEqual([{ openBrowser: true }])
    expect(signInOptions).toEqual({
      identityToken: {
        source: "oauth",
        issuer: INPUTS.issuer,
        clientId: INPUTS.clientId,
        scopes: ["openid", "offline_access"],
      },
      host: "opencode",
    })
    expect(store.listAccounts()).toEqual([])
    if (authorization.method !== "auto") throw new Error("unreachable")
    const pending = authorization.callback()
    outcome.resolve(TOKENS)
    expect(await pending).toEqual({ type: "success", key: OPENCODE_AUTH_MARKER_KEY })
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
    expect(started).toEqual([{ openBrowser: false }])
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

  it("keeps pool-fetch's own sign-in message, which already names the provider", async () => {
    const authorization = await method().authorize(INPUTS)
    if (authorization.method !== "auto") throw new Error("unreachable")
    const pending = authorization.callback()
    const failure = new PoolFetchError(
      "ERR_POOL_SIGN_IN_FAILED",
      "Sign-in to https://login.example.test did not complete: the user denied access.",
    )
    outcome.reject(failure)
    await expect(pending).rejects.toMatchObject({
      code: "ERR_PLUGIN_SIGN_IN_FAILED",
      message: failure.message,
      cause: failure,
    })
  })

  it("refuses malformed federation ids before any sign-in starts", async () => {
    await expect(method().authorize({ ...INPUTS, federationRuleId: "rule-1" })).rejects.toMatchObject({
      code: "ERR_PLUGIN_INVALID_INPUT",
    })
    expect(signInOptions).toBeUndefined()
    const prompt = method().prompts!.find((p) => p.key === "serviceAccountId")!
    if (prompt.type !== "text") throw new Error("unreachable")
    expect(prompt.validate!("svac_01Dev")).toBeUndefined()
    expect(prompt.validate!("dev")).toMatch(/svac_/)
  })
})
