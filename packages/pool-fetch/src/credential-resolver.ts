import type { Account, AccountStore, SecretValue } from "@keyrelay/account-store"
import { runCommand } from "./_run-command.ts"
import { safeText } from "./_safe-text.ts"
import { federationTokenSource, profileTokenSource, type TokenSource } from "./_token-providers.ts"
import { keyrelayUserAgent } from "./_user-agent.ts"
import { POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"

/** A credential ready for one request; `request` goes to request-rewrite and must never be logged. */
export interface ResolvedCredential {
  /** request-rewrite's credential: `x-api-key` or `Authorization: Bearer`. */
  readonly request: { type: "api-key"; key: string } | { type: "bearer"; token: string }
  /** Whether a 401 can be cured by minting again (`command`, `profile`, `federation`). */
  readonly refreshable: boolean
  /** A base URL the credential itself names (a profile's `base_url`); the account's own wins. */
  readonly baseUrl?: string
  /** Extra request headers the credential asks for (a `user_oauth` profile's workspace). */
  readonly headers?: Readonly<Record<string, string>>
  /** Which mint this is: {@link CredentialResolver.invalidate} replaces only the one a 401 was about. */
  readonly generation: number
}

/** Options of {@link createCredentialResolver}. */
export interface CredentialResolverOptions {
  store: AccountStore
  /** The fetch for token exchanges (never the pool fetch itself); defaults to the global fetch. */
  fetch?: typeof fetch
  now?: () => number
  /** The host as a user-agent product, e.g. `opencode/1.18.33`; named in the exchange's user-agent. */
  host?: string
  /** Told about a failed background refresh while the cached token kept serving. */
  onAdvisoryError?: (account: Account, error: unknown) => void
}

/** Resolves and caches the credential of each account, per kind, for every request of a pool. */
export interface CredentialResolver {
  /** @throws {PoolFetchError} `ERR_POOL_CREDENTIAL_UNAVAILABLE`, with a message that names the account and no secret. */
  resolve(account: Account): Promise<ResolvedCredential>
  /** The credential when it is at hand without waiting (a key read before, a variable, a fresh command output). */
  cached(account: Account): ResolvedCredential | undefined
  /** After a 401: drop the cached credential of that mint, so the next `resolve` mints (or runs) it again. */
  invalidate(accountId: string, generation: number): void
  /** Forget cached credentials (all, or one account's), e.g. when the account store changed. */
  forget(accountId?: string): void
}

interface Entry {
  fingerprint: string
  generation: number
  /** The last resolution, while it may be reused as it is (static kinds). */
  ready?: ResolvedCredential | undefined
  resolve(): Promise<Omit<ResolvedCredential, "generation">>
  invalidate(): void
}

/**
 * Creates the credential resolver every pool request uses, per kind: `api-key` (read once from the store, cached),
 * `env` (read at use), `command` (run in a shell with its timeout, cached for its TTL, run again after a 401),
 * `profile` and `federation` (the official SDK's providers in its `TokenCache`; federation tokens shared across
 * processes through the account store). Concurrent resolutions of one account share one mint.
 *
 * @example
 * const resolver = createCredentialResolver({ store })
 * const { request } = await resolver.resolve(store.listAccounts()[0]!) // never print `request`
 * @throws {PoolFetchError} from `resolve`: `ERR_POOL_CREDENTIAL_UNAVAILABLE`
 */
export function createCredentialResolver(options: CredentialResolverOptions): CredentialResolver {
  const { store } = options
  const fetchImpl = options.fetch ?? globalThis.fetch
  const now = options.now ?? Date.now
  const userAgent = keyrelayUserAgent(options.host)
  const entries = new Map<string, Entry>()

  const fail = (account: Account, what: string, cause?: unknown): PoolFetchError =>
    new PoolFetchError(
      POOL_FETCH_ERROR_CODES.CREDENTIAL_UNAVAILABLE,
      `The credential of account "${account.label}" (${account.id}, ${account.credential.kind}) is unavailable: ${what}.`,
      cause === undefined ? undefined : { cause },
    )

  function tokenEntry(account: Account, make: () => Promise<TokenSource>): Entry {
    let source: Promise<TokenSource> | undefined
    return {
      fingerprint: account.fingerprint,
      generation: 0,
      async resolve() {
        source ??= make()
        const current = source
        let built: TokenSource
        try {
          built = await current
        } catch (error) {
          if (source === current) source = undefined
          throw error
        }
        const token = await built.getToken()
        return {
          request: { type: "bearer", token },
          refreshable: true,
          ...(built.baseUrl === undefined ? {} : { baseUrl: built.baseUrl }),
          ...(built.headers === undefined ? {} : { headers: built.headers }),
        }
      },
      invalidate() {
        source?.then((built) => built.invalidate()).catch(() => {})
      },
    }
  }

  function makeEntry(account: Account): Entry {
    const credential = account.credential
    const context = {
      store,
      fetch: fetchImpl,
      now,
      userAgent,
      onAdvisoryError: (error: unknown) => options.onAdvisoryError?.(account, error),
    }
    switch (credential.kind) {
      case "api-key": {
        let key: Promise<SecretValue> | undefined
        return {
          fingerprint: account.fingerprint,
          generation: 0,
          async resolve() {
            key ??= store.getSecret(account.id)
            const pending = key
            try {
              return { request: { type: "api-key", key: (await pending).reveal() }, refreshable: false }
            } catch (error) {
              if (key === pending) key = undefined
              throw error
            }
          },
          invalidate() {
            key = undefined
          },
        }
      }
      case "env":
        return {
          fingerprint: account.fingerprint,
          generation: 0,
          async resolve() {
            const value = process.env[credential.variable]?.trim()
            if (!value)
              throw new Error(
                `the environment variable ${credential.variable} is not set (or empty); set it where keyrelay runs, or change the account`,
              )
            return { request: { type: "api-key", key: value }, refreshable: false }
          },
          invalidate() {},
        }
      case "command": {
        let cached: { key: string; until: number } | undefined
        let running: Promise<string> | undefined
        return {
          fingerprint: account.fingerprint,
          generation: 0,
          async resolve() {
            if (cached === undefined || now() >= cached.until) {
              running ??= runCommand(credential.command, { timeoutMs: credential.timeoutMs })
                .then((result) => {
                  cached = { key: result.stdout, until: now() + credential.ttlSeconds * 1000 }
                  return result.stdout
                })
                .catch((error: Error) => {
                  throw new Error(`its command ${error.message}`)
                })
                .finally(() => {
                  running = undefined
                })
              return { request: { type: "api-key", key: await running }, refreshable: true }
            }
            return { request: { type: "api-key", key: cached.key }, refreshable: true }
          },
          invalidate() {
            cached = undefined
          },
        }
      }
      case "profile":
        return tokenEntry(account, () => profileTokenSource(credential, account.baseUrl, context))
      case "federation":
        return tokenEntry(account, () => federationTokenSource(account, credential, context))
    }
  }

  return {
    cached(account) {
      const entry = entries.get(account.id)
      if (entry === undefined || entry.fingerprint !== account.fingerprint) return undefined
      if (account.credential.kind === "env") return undefined
      return entry.ready
    },
    async resolve(account) {
      let entry = entries.get(account.id)
      if (entry === undefined || entry.fingerprint !== account.fingerprint) {
        entry = makeEntry(account)
        entries.set(account.id, entry)
      }
      const generation = entry.generation
      try {
        const resolved = { ...(await entry.resolve()), generation }
        // Only a key read from the store is reused without asking again; every other kind decides each time.
        if (account.credential.kind === "api-key" && entry.generation === generation) entry.ready = resolved
        return resolved
      } catch (error) {
        if (error instanceof PoolFetchError) throw error
        throw fail(account, describe(error))
      }
    },
    invalidate(accountId, generation) {
      const entry = entries.get(accountId)
      if (entry === undefined || entry.generation !== generation) return
      entry.generation++
      entry.ready = undefined
      entry.invalidate()
    },
    forget(accountId) {
      if (accountId === undefined) entries.clear()
      else entries.delete(accountId)
    },
  }
}

// Messages from the SDK, the store and commands are kept (they name files and statuses, and the SDK redacts token
// endpoint bodies), but anything that looks like a key or token is redacted again.
function describe(error: unknown): string {
  return safeText(error instanceof Error ? error.message : String(error)).replace(/\.$/, "")
}
