// createFederationSignIn against a real OpenID Provider on 127.0.0.1 (test-utils' oidc-provider): what the
// authorization request asks for, the loopback redirect, a pasted address, the terminal's race of the two, the device
// grant, a denied sign-in, and where the tokens are saved (and where they are refused).
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Account, type AccountStore, openAccountStore } from "@keyrelay/account-store"
import {
  Browser,
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  type OidcProvider,
  startOidcProvider,
} from "@keyrelay/test-utils/oidc-provider"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  createFederationSignIn,
  DEFAULT_FEDERATION_SCOPES,
  type FederationBrowserSignIn,
  identityTokenStore,
  type OAuthIdentityToken,
} from "../src/index.ts"

let idp: OidcProvider
let home: string
let store: AccountStore
let sessions: FederationBrowserSignIn[]
beforeEach(async () => {
  idp = await startOidcProvider()
  home = await mkdtemp(join(tmpdir(), "keyrelay-sign-in-"))
  store = await openAccountStore({ home, watch: false, flushOnExit: false })
  sessions = []
})
afterEach(async () => {
  for (const session of sessions) await session.close()
  await store.close()
  await idp.close()
  await rm(home, { recursive: true, force: true })
})

const source = (extra: Partial<OAuthIdentityToken> = {}): OAuthIdentityToken => ({
  source: "oauth",
  issuer: idp.issuer,
  clientId: OIDC_CLIENT_ID,
  scopes: [...DEFAULT_FEDERATION_SCOPES],
  ...extra,
})

function addFederation(identityToken: OAuthIdentityToken = source()): Promise<Account> {
  return store.addAccount({
    label: "laptop",
    credential: {
      kind: "federation",
      federationRuleId: "fdrl_01signin",
      organizationId: "11111111-1111-4111-8111-111111111111",
      serviceAccountId: "svac_01signin",
      identityToken,
    },
  })
}

async function start(identityToken = source()): Promise<FederationBrowserSignIn> {
  const session = await createFederationSignIn({ identityToken, host: "keyrelay-test" }).start({
    openBrowser: false,
  })
  sessions.push(session)
  return session
}

describe("a browser sign-in", () => {
  it("asks for the source's scopes with consent, its audience and extra parameters, with PKCE, to 127.0.0.1", async () => {
    const session = await start(
      source({ audience: "https://api.anthropic.com", extraParams: { login_hint: "user-1@example.test" } }),
    )
    expect(session.browserOpened).toBe(false)
    const url = new URL(session.url)
    expect(url.origin).toBe(idp.issuer)
    const query = Object.fromEntries(url.searchParams)
    expect(query).toMatchObject({
      client_id: OIDC_CLIENT_ID,
      scope: "openid offline_access",
      prompt: "consent",
      audience: "https://api.anthropic.com",
      login_hint: "user-1@example.test",
      response_type: "code",
      code_challenge_method: "S256",
      redirect_uri: session.redirectUri,
    })
    expect(session.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
  })

  it("completes by the loopback redirect; save keeps the tokens for the account and names who signed in", async () => {
    const account = await addFederation()
    const signIn = createFederationSignIn({ identityToken: source() })
    const session = await start()
    const visit = await new Browser().visit(session.url)
    expect(visit.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/)
    const tokens = await session.result
    expect(tokens.refreshToken).toBeDefined()
    const saved = await signIn.save(store, account.id, tokens)
    expect(saved).toEqual({ subject: OIDC_ACCOUNT_ID, refreshToken: true, expiresAt: tokens.expiresAt })
    expect(saved.expiresAt).toBeGreaterThan(Date.now())
    expect(await identityTokenStore(store, account.id).load()).toEqual({ ...tokens, idTokenSpent: false })
    expect(await readFile(join(home, "accounts.json"), "utf8")).not.toContain(tokens.refreshToken as string)
  })

  it("completes with the address pasted from a browser elsewhere; a wrong address is refused first", async () => {
    const session = await start()
    const visit = await new Browser().visit(session.url, {
      stopAt: (url) => new URL(url).pathname === "/callback",
    })
    const wrong = new URL(visit.url)
    wrong.searchParams.set("state", "not-this-sign-in")
    await expect(session.complete(wrong.href)).rejects.toMatchObject({
      code: "ERR_POOL_SIGN_IN_FAILED",
      message: expect.stringContaining(idp.issuer),
      cause: { code: "ERR_OAUTH_STATE_MISMATCH" },
    })
    const tokens = await session.complete(visit.url)
    expect(tokens.idToken).toBeDefined()
    expect(await session.result).toEqual(tokens)
  })

  it("a denied sign-in is ERR_POOL_SIGN_IN_FAILED naming the issuer, with the provider's answer as its cause", async () => {
    idp.deny = true
    const session = await start()
    await new Browser().visit(session.url)
    const error = await session.result.catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: "PoolFetchError",
      code: "ERR_POOL_SIGN_IN_FAILED",
      message: expect.stringMatching(/^Sign-in to http:\/\/127\.0\.0\.1:\d+ did not complete: /),
      cause: { code: "ERR_OAUTH_ACCESS_DENIED" },
    })
  })
})

describe("the terminal's sign-in", () => {
  it("takes the redirect or a pasted address, whichever comes first, and says why a paste was refused", async () => {
    const rejected: string[] = []
    let reads = 0
    const tokens = await createFederationSignIn({ identityToken: source() }).signIn({
      openBrowser: false,
      onAuthorizationUrl: ({ url, browserOpened }) => {
        expect(browserOpened).toBe(false)
        // The user's browser finishes the sign-in on this machine while the terminal waits for a paste.
        void new Browser().visit(url)
      },
      readPastedInput: (signal) => {
        reads++
        if (reads === 1) return Promise.resolve("not an address")
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        )
      },
      onPastedInputRejected: (error) => rejected.push(error.message),
    })
    expect(tokens.idToken).toBeDefined()
    expect(rejected).toHaveLength(1)
    expect(reads).toBe(2)
  })
})

describe("a device sign-in", () => {
  it("shows a code to approve anywhere, then polls for the tokens", async () => {
    const account = await addFederation()
    const signIn = createFederationSignIn({ identityToken: source(), sleep: async () => {} })
    const device = await signIn.startDevice()
    expect(device.userCode).toMatch(/\S/)
    expect(device.verificationUri.startsWith(idp.issuer)).toBe(true)
    expect(device.expiresAt).toBeGreaterThan(Date.now())
    await new Browser().approveDevice(device.verificationUri, device.userCode)
    const tokens = await device.poll()
    expect((await signIn.save(store, account.id, tokens)).subject).toBe(OIDC_ACCOUNT_ID)
  })

  it("a refused device sign-in is ERR_POOL_SIGN_IN_FAILED", async () => {
    const device = await createFederationSignIn({
      identityToken: source(),
      sleep: async () => {},
    }).startDevice()
    await new Browser().approveDevice(device.verificationUri, device.userCode, "abort")
    await expect(device.poll()).rejects.toMatchObject({
      code: "ERR_POOL_SIGN_IN_FAILED",
      cause: { code: "ERR_OAUTH_ACCESS_DENIED" },
    })
  })
})

describe("saving a sign-in", () => {
  const TOKENS = { accessToken: "test-access-token", tokenType: "bearer", idToken: "not.a.jwt" }

  it("refuses an account that does not sign in with this provider and client, and an unknown account", async () => {
    const key = await store.addAccount({
      label: "work",
      credential: { kind: "api-key", key: "sk-ant-api03-test-sign-in-aaaaaaaaaaaaaaaaaaaa" },
    })
    const elsewhere = await addFederation(source({ clientId: "another-client" }))
    const signIn = createFederationSignIn({ identityToken: source() })
    for (const id of [key.id, elsewhere.id]) {
      await expect(signIn.save(store, id, TOKENS)).rejects.toMatchObject({ code: "ERR_POOL_INVALID_OPTIONS" })
      expect(await identityTokenStore(store, id).load()).toBeUndefined()
    }
    await expect(signIn.save(store, "acc_NOSUCHACCOUNT0000", TOKENS)).rejects.toMatchObject({
      code: "ERR_POOL_ACCOUNT_NOT_FOUND",
    })
  })

  it("without a refresh token or a readable ID token, says so (no subject)", async () => {
    const account = await addFederation()
    const saved = await createFederationSignIn({ identityToken: source() }).save(store, account.id, TOKENS)
    expect(saved).toEqual({ subject: undefined, refreshToken: false, expiresAt: undefined })
  })

  it("a source that is not an oauth sign-in is ERR_POOL_INVALID_OPTIONS", () => {
    for (const identityToken of [
      { source: "file", path: "/tmp/token" },
      { ...source(), issuer: "" },
      { ...source(), clientId: undefined },
      undefined,
    ])
      expect(() => createFederationSignIn({ identityToken } as never)).toThrow(
        expect.objectContaining({ code: "ERR_POOL_INVALID_OPTIONS" }),
      )
  })
})
