import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { oidcFederationProvider } from "@anthropic-ai/sdk/lib/credentials/oidc-federation"
import { TokenCache } from "@anthropic-ai/sdk/lib/credentials/token-cache"
import { OIDC_CLIENT_ID, type OidcProvider, startOidcProvider } from "@keyrelay/test-utils/oidc-provider"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  createIdentityTokenProvider,
  createOAuthClient,
  OAUTH_PKCE_ERROR_CODES,
  type OAuthClient,
  readIdTokenClaims,
  type StoredTokenSet,
  type TokenStore,
} from "../src/index.ts"
import { signInThroughBrowser } from "./fixtures/browser.ts"
import { type FederationExchange, startFederationExchange } from "./fixtures/federation-exchange.ts"
import { fileTokenStore, withFileLock } from "./fixtures/file-store.ts"

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url))
const WORKER = fileURLToPath(new URL("./fixtures/identity-worker.ts", import.meta.url))

let idp: OidcProvider
let client: OAuthClient
let dir: string

beforeAll(async () => {
  idp = await startOidcProvider()
  client = createOAuthClient({ issuer: idp.issuer, clientId: OIDC_CLIENT_ID })
  dir = mkdtempSync(join(tmpdir(), "keyrelay-oauth-pkce-"))
})
afterAll(async () => {
  await idp.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  expect(idp.grantErrors).toEqual([])
  idp.refreshes.length = 0
})

const signIn = (scope?: string) => signInThroughBrowser(client, scope)

function memoryStore(
  initial: StoredTokenSet | undefined,
): TokenStore & { current: StoredTokenSet | undefined } {
  const store = {
    current: initial,
    load: async () => store.current,
    save: async (tokens: StoredTokenSet) => {
      store.current = tokens
    },
  }
  return store
}

const jtiOf = (token: string) => readIdTokenClaims(token).jti

describe("createIdentityTokenProvider against oidc-provider", () => {
  it("hands out the unused sign-in ID token first, then a fresh one per call, saving each rotated refresh token", async () => {
    const tokens = await signIn()
    const store = memoryStore(tokens)
    const next = createIdentityTokenProvider({ client, store })

    await expect(next()).resolves.toBe(tokens.idToken)
    expect(store.current?.idTokenSpent).toBe(true)
    expect(idp.refreshes).toHaveLength(0)

    const second = await next()
    expect(jtiOf(second)).not.toBe(jtiOf(tokens.idToken as string))
    expect(idp.refreshes).toHaveLength(1)
    expect(store.current).toMatchObject({ idToken: second, idTokenSpent: true })
    expect(store.current?.refreshToken).not.toBe(tokens.refreshToken)
  })

  it("serialises concurrent calls in one process: every caller gets its own token, no refresh token is used twice", async () => {
    const store = memoryStore(await signIn())
    const next = createIdentityTokenProvider({ client, store })
    const handedOut = await Promise.all(Array.from({ length: 20 }, () => next()))
    expect(new Set(handedOut.map(jtiOf)).size).toBe(20)
    expect(idp.refreshes).toHaveLength(19)
    expect(new Set(idp.refreshes).size).toBe(19)
  })

  it("prefers a refresh over a stored ID token with less than minRemainingSeconds left", async () => {
    const tokens = await signIn()
    const exp = readIdTokenClaims(tokens.idToken as string).exp as number
    const store = memoryStore(tokens)
    // 200 s before the sign-in token expires: under the 300 s default, so it is not handed out.
    const next = createIdentityTokenProvider({ client, store, now: () => (exp - 200) * 1000 })
    const token = await next()
    expect(token).not.toBe(tokens.idToken)
    expect(idp.refreshes).toHaveLength(1)
  })

  it("keeps the rotated refresh token when a refresh brings no ID token (no openid scope)", async () => {
    const tokens = await signIn("offline_access")
    expect(tokens.idToken).toBeUndefined()
    const store = memoryStore(tokens)
    const next = createIdentityTokenProvider({ client, store })
    await expect(next()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_MISSING })
    const saved = store.current?.refreshToken as string
    expect(saved).not.toBe(tokens.refreshToken)
    await expect(client.refresh(saved)).resolves.toMatchObject({ tokenType: "bearer" })
  })

  it("reports SIGN_IN_REQUIRED with nothing stored and INVALID_GRANT once the grant is revoked", async () => {
    await expect(
      createIdentityTokenProvider({ client, store: memoryStore(undefined) })(),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.SIGN_IN_REQUIRED,
    })
    const tokens = await signIn()
    const store = memoryStore({ ...tokens, idTokenSpent: true })
    await client.refresh(tokens.refreshToken as string)
    await client.refresh(tokens.refreshToken as string).catch(() => undefined) // reuse: the provider revokes the grant
    idp.grantErrors.length = 0
    await expect(createIdentityTokenProvider({ client, store })()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_GRANT,
    })
    idp.grantErrors.length = 0
  })
})

describe("with ID tokens that live 30 s", () => {
  let shortLived: OidcProvider
  beforeAll(async () => {
    shortLived = await startOidcProvider({ idTokenTtl: 30 })
  })
  afterAll(() => shortLived.close())

  it("never hands one out (the exchange needs at least 60 s) and still saves the rotated refresh token", async () => {
    const shortClient = createOAuthClient({ issuer: shortLived.issuer, clientId: OIDC_CLIENT_ID })
    const tokens = await signInThroughBrowser(shortClient)
    const store = memoryStore(tokens)
    await expect(createIdentityTokenProvider({ client: shortClient, store })()).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_UNSUITABLE,
    })
    expect(store.current?.refreshToken).not.toBe(tokens.refreshToken)
    expect(store.current?.idTokenSpent).toBe(true)
  })
})

describe("composed with the official SDK: TokenCache(oidcFederationProvider({ identityTokenProvider }))", () => {
  let exchange: FederationExchange
  beforeAll(async () => {
    // 10 s tokens sit inside the SDK's 30 s mandatory window: every later request finds its token expired.
    exchange = await startFederationExchange({ jwksUri: `${idp.issuer}/jwks`, expiresIn: 10 })
  })
  afterAll(() => exchange.close())

  it("100 concurrent requests on an expired token: exactly one refresh and one exchange, each jti used once", async () => {
    const tokens = await signIn()
    const store = memoryStore({ ...tokens, idTokenSpent: true })
    const cache = new TokenCache(
      oidcFederationProvider({
        identityTokenProvider: createIdentityTokenProvider({ client, store }),
        federationRuleId: "fdrl_test",
        organizationId: "00000000-0000-4000-8000-000000000000",
        serviceAccountId: "svac_test",
        baseURL: exchange.url,
        fetch,
      }),
    )

    const first = await Promise.all(Array.from({ length: 100 }, () => cache.getToken()))
    expect(new Set(first)).toEqual(new Set(["sk-ant-oat01-test-1"]))
    expect(idp.refreshes).toHaveLength(1)
    expect(exchange.accepted).toHaveLength(1)

    const second = await Promise.all(Array.from({ length: 100 }, () => cache.getToken()))
    expect(new Set(second)).toEqual(new Set(["sk-ant-oat01-test-2"]))
    expect(idp.refreshes).toHaveLength(2)
    expect(exchange.accepted).toHaveLength(2)
    expect(exchange.refused).toEqual([])
  })
})

describe("four processes sharing one store under a file lock", () => {
  function runWorker(env: Record<string, string>): { ready: Promise<void>; done: Promise<string> } {
    const child = spawn(BUN, [WORKER], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    let onReady: () => void = () => undefined
    const ready = new Promise<void>((resolve) => {
      onReady = resolve
    })
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes("ready\n")) onReady()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const done = new Promise<string>((resolve, reject) => {
      child.on("error", reject)
      child.on("exit", (code) => {
        if (code === 0) resolve(stdout.split("\n").filter(Boolean).at(-1) ?? "")
        else reject(new Error(`worker exited with ${code}: ${stderr.slice(0, 2000)}`))
      })
    })
    return { ready, done }
  }

  it("one refresh per rotation, no invalid_grant, every ID token distinct (Bun processes)", async () => {
    const storePath = join(dir, "tokens.json")
    const go = join(dir, "go")
    await fileTokenStore(storePath).save(await signIn())
    const env = {
      IDENTITY_ISSUER: idp.issuer,
      IDENTITY_CLIENT_ID: OIDC_CLIENT_ID,
      IDENTITY_STORE: storePath,
      IDENTITY_LOCK: join(dir, "tokens.lock"),
      IDENTITY_GO: go,
      IDENTITY_CALLS: "5",
    }
    const workers = Array.from({ length: 4 }, () => runWorker(env))
    await Promise.all(workers.map((w) => w.ready))
    writeFileSync(go, "")
    const outputs = await Promise.all(workers.map((w) => w.done))

    const results = outputs.flatMap((line) => JSON.parse(line) as { jti?: string; error?: string }[])
    expect(results.filter((r) => r.error)).toEqual([])
    const jtis = results.map((r) => r.jti)
    expect(jtis).toHaveLength(20)
    expect(new Set(jtis).size).toBe(20)
    // The first call anywhere takes the unused sign-in token; each of the other 19 refreshes exactly once.
    expect(idp.refreshes).toHaveLength(19)
    expect(new Set(idp.refreshes).size).toBe(19)
    // What is left in the store is the live end of the rotation chain.
    const final = (await fileTokenStore(storePath).load()) as StoredTokenSet
    await expect(
      withFileLock(join(dir, "tokens.lock"), () => client.refresh(final.refreshToken as string)),
    ).resolves.toMatchObject({ tokenType: "bearer" })
  }, 60_000) // real processes: about a second on a quiet machine, far more on a loaded one
})
