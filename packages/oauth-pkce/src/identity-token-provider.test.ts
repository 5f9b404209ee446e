import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeIdToken, ISSUER } from "../test/fixtures/stub-provider.ts"
import type { OAuthClient } from "./create-oauth-client.ts"
import { readIdTokenClaims } from "./id-token-claims.ts"
import { createIdentityTokenProvider } from "./identity-token-provider.ts"
import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"
import type { RefreshOptions } from "./refresh-tokens.ts"
import type { StoredTokenSet, TokenSet } from "./token-set.ts"

const NOW = 1_800_000_000_000
const seconds = (ms: number) => Math.floor(ms / 1000)

interface FakeIdp {
  client: OAuthClient
  refreshes: string[]
  maxInFlight: number
  /** What the next refresh returns, given its number (1-based); defaults to a fresh 1 h ID token with a jti. */
  next: (n: number) => Partial<TokenSet> | Error
}

/** An identity provider that rotates on every refresh and treats any reuse as the theft it would be. */
function fakeIdp(clock: () => number = () => NOW): FakeIdp {
  let live = "rt-test-0"
  let inFlight = 0
  const idp: FakeIdp = {
    refreshes: [],
    maxInFlight: 0,
    next: (n) => ({
      idToken: fakeIdToken({ jti: `jti-${n}`, iat: seconds(clock()), exp: seconds(clock()) + 3600 }),
    }),
    client: {
      issuer: ISSUER,
      clientId: "keyrelay-unit",
      async refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenSet> {
        inFlight++
        idp.maxInFlight = Math.max(idp.maxInFlight, inFlight)
        try {
          await new Promise((resolve) => setImmediate(resolve))
          if (refreshToken !== live) {
            throw new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.INVALID_GRANT, "reused refresh token", {
              error: "invalid_grant",
            })
          }
          idp.refreshes.push(refreshToken)
          const n = idp.refreshes.length
          live = `rt-test-${n}`
          const answer = idp.next(n)
          if (answer instanceof Error) {
            await options?.keepRotatedRefreshToken?.(live)
            throw answer
          }
          return { accessToken: `at-test-${n}`, tokenType: "bearer", refreshToken: live, ...answer }
        } finally {
          inFlight--
        }
      },
      discover: () => Promise.reject(new Error("not used")),
      createAuthorizationRequest: () => Promise.reject(new Error("not used")),
      completeAuthorizationRequest: () => Promise.reject(new Error("not used")),
      startDeviceAuthorization: () => Promise.reject(new Error("not used")),
    },
  }
  return idp
}

function memoryStore(initial: StoredTokenSet | undefined) {
  const store = {
    current: initial,
    saves: [] as StoredTokenSet[],
    load: async () => (store.current ? { ...store.current } : undefined),
    save: async (tokens: StoredTokenSet) => {
      store.saves.push(tokens)
      store.current = { ...tokens }
    },
  }
  return store
}

const signedIn = (extra: Partial<StoredTokenSet> = {}): StoredTokenSet => ({
  accessToken: "at-test-0",
  tokenType: "bearer",
  refreshToken: "rt-test-0",
  idToken: fakeIdToken({ jti: "jti-0", iat: seconds(NOW), exp: seconds(NOW) + 3600 }),
  ...extra,
})

describe("createIdentityTokenProvider: the fresh-token policy", () => {
  it("never hands out the same ID token twice, and never an expired one (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.integer({ min: -7200, max: 3600 }),
        async (calls, spent, age) => {
          const clock = () => NOW
          const idp = fakeIdp(clock)
          const store = memoryStore(
            signedIn({
              idTokenSpent: spent,
              idToken: fakeIdToken({ jti: "jti-0", iat: seconds(NOW) - 60, exp: seconds(NOW) + age }),
            }),
          )
          const next = createIdentityTokenProvider({ client: idp.client, store, now: clock })
          const tokens = await Promise.all(Array.from({ length: calls }, () => next()))
          const jtis = tokens.map((t) => readIdTokenClaims(t).jti)
          expect(new Set(jtis).size).toBe(calls)
          for (const t of tokens)
            expect((readIdTokenClaims(t).exp as number) * 1000 - NOW).toBeGreaterThanOrEqual(60_000)
          if (spent) expect(jtis).not.toContain("jti-0")
          expect(idp.maxInFlight).toBe(idp.refreshes.length > 0 ? 1 : 0)
        },
      ),
      { numRuns: 40 },
    )
  })

  it("uses an unspent stored token only while it has minRemainingSeconds left", async () => {
    const stored = (left: number) =>
      signedIn({ idToken: fakeIdToken({ jti: "jti-0", iat: seconds(NOW) - 60, exp: seconds(NOW) + left }) })
    for (const [left, expected] of [
      [300, "jti-0"],
      [299, "jti-1"],
    ] as const) {
      const idp = fakeIdp()
      const next = createIdentityTokenProvider({
        client: idp.client,
        store: memoryStore(stored(left)),
        now: () => NOW,
      })
      expect(readIdTokenClaims(await next()).jti).toBe(expected)
    }
    const idp = fakeIdp()
    const relaxed = createIdentityTokenProvider({
      client: idp.client,
      store: memoryStore(stored(120)),
      now: () => NOW,
      minRemainingSeconds: 60,
    })
    expect(readIdTokenClaims(await relaxed()).jti).toBe("jti-0")
  })

  it("reads the store after taking the lock and saves before releasing it", async () => {
    const idp = fakeIdp()
    const store = memoryStore(signedIn({ idTokenSpent: true }))
    const events: string[] = []
    const load = store.load
    const save = store.save
    store.load = async () => {
      events.push("load")
      return load()
    }
    store.save = async (tokens) => {
      events.push("save")
      return save(tokens)
    }
    const next = createIdentityTokenProvider({
      client: idp.client,
      store,
      now: () => NOW,
      withLock: async (fn) => {
        events.push("lock")
        try {
          return await fn()
        } finally {
          events.push("unlock")
        }
      },
    })
    await next()
    await next()
    expect(events).toEqual(["lock", "load", "save", "unlock", "lock", "load", "save", "unlock"])
  })

  it("picks up a refresh token rotated by another process between two calls", async () => {
    const idp = fakeIdp()
    const store = memoryStore(signedIn({ idTokenSpent: true }))
    const next = createIdentityTokenProvider({ client: idp.client, store, now: () => NOW })
    await next()
    // Another process refreshes and saves in between (it holds the same lock in real life).
    const other = createIdentityTokenProvider({ client: idp.client, store, now: () => NOW })
    await other()
    await expect(next()).resolves.toBeTypeOf("string")
    expect(idp.refreshes).toEqual(["rt-test-0", "rt-test-1", "rt-test-2"])
  })

  it("asks again in the next second when a provider without jti returns the spent token", async () => {
    const idp = fakeIdp()
    const stale = fakeIdToken({ iat: seconds(NOW), exp: seconds(NOW) + 3600 })
    const fresh = fakeIdToken({ iat: seconds(NOW) + 1, exp: seconds(NOW) + 3601 })
    idp.next = (n) => ({ idToken: n === 1 ? stale : fresh })
    const slept: number[] = []
    const store = memoryStore(signedIn({ idToken: stale, idTokenSpent: true }))
    const next = createIdentityTokenProvider({
      client: idp.client,
      store,
      now: () => NOW + 250,
      sleep: async (ms) => void slept.push(ms),
    })
    await expect(next()).resolves.toBe(fresh)
    expect(slept).toEqual([850])
    expect(idp.refreshes).toHaveLength(2)
  })

  it("gives up with ID_TOKEN_UNSUITABLE when the provider keeps returning the spent token", async () => {
    const idp = fakeIdp()
    const same = fakeIdToken({ jti: "jti-same", iat: seconds(NOW), exp: seconds(NOW) + 3600 })
    idp.next = () => ({ idToken: same })
    const store = memoryStore(signedIn({ idToken: same, idTokenSpent: true }))
    const next = createIdentityTokenProvider({
      client: idp.client,
      store,
      now: () => NOW,
      sleep: async () => undefined,
    })
    await expect(next()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_UNSUITABLE })
    expect(idp.refreshes).toHaveLength(3)
    expect(store.current?.refreshToken).toBe("rt-test-3")
  })

  it.each([
    ["no kid", { alg: "RS256", typ: "JWT" }],
    ["a symmetric algorithm", { alg: "HS256", kid: "k1" }],
    ["alg none", { alg: "none", kid: "k1" }],
  ])("refuses an ID token with %s, the exchange would", async (_label, header) => {
    const idp = fakeIdp()
    idp.next = () => ({ idToken: fakeIdToken({ jti: "jti-x", exp: seconds(NOW) + 3600 }, header) })
    const store = memoryStore(signedIn({ idTokenSpent: true }))
    const next = createIdentityTokenProvider({ client: idp.client, store, now: () => NOW })
    await expect(next()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_UNSUITABLE })
    // The rotated refresh token is kept whatever is wrong with the ID token.
    expect(store.current?.refreshToken).toBe("rt-test-1")
  })

  it("saves the rotated refresh token even when the client rejects the response after rotating", async () => {
    const idp = fakeIdp()
    idp.next = () => new OAuthPkceError(OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID, "bad aud")
    const store = memoryStore(signedIn({ idTokenSpent: true }))
    const next = createIdentityTokenProvider({ client: idp.client, store, now: () => NOW })
    await expect(next()).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.ID_TOKEN_INVALID })
    expect(store.current).toMatchObject({ refreshToken: "rt-test-1", idTokenSpent: true })
  })

  it("says SIGN_IN_REQUIRED when nothing is stored, or only a spent token without a refresh token", async () => {
    const idp = fakeIdp()
    await expect(
      createIdentityTokenProvider({ client: idp.client, store: memoryStore(undefined) })(),
    ).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.SIGN_IN_REQUIRED,
    })
    const { refreshToken: _, ...withoutRefresh } = signedIn({ idTokenSpent: true })
    await expect(
      createIdentityTokenProvider({
        client: idp.client,
        store: memoryStore(withoutRefresh),
        now: () => NOW,
      })(),
    ).rejects.toMatchObject({ code: OAUTH_PKCE_ERROR_CODES.SIGN_IN_REQUIRED })
  })

  it("keeps serving after a failed call (the queue does not jam)", async () => {
    const idp = fakeIdp()
    let failOnce = true
    const store = memoryStore(signedIn({ idTokenSpent: true }))
    const load = store.load
    store.load = async () => {
      if (failOnce) {
        failOnce = false
        throw new Error("disk hiccup")
      }
      return load()
    }
    const next = createIdentityTokenProvider({ client: idp.client, store, now: () => NOW })
    const [first, second] = await Promise.allSettled([next(), next()])
    expect(first.status).toBe("rejected")
    expect(second.status).toBe("fulfilled")
  })

  it.each([
    ["no client", { store: memoryStore(undefined) }],
    ["no store", { client: fakeIdp().client }],
    [
      "minRemainingSeconds under 60",
      { client: fakeIdp().client, store: memoryStore(undefined), minRemainingSeconds: 59 },
    ],
  ])("refuses options with %s", (_label, options) => {
    expect(() => createIdentityTokenProvider(options as never)).toThrow(
      expect.objectContaining({ code: OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS }),
    )
  })
})
