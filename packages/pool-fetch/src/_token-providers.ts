// Profile and federation accounts: access tokens minted through the official SDK's providers and cached by its
// TokenCache (advisory refresh 120 s before expiry, mandatory at 30 s, concurrent refreshes coalesced). A
// federation account's minted token is also shared across processes through an account-store token slot, minted
// under the store's lock, so a pool of processes exchanges once per token lifetime.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Account, AccountStore } from "@keyrelay/account-store"
import { DEFAULT_BASE_URL } from "@keyrelay/request-rewrite"
import { loadOAuthPkce, oauthClientOf } from "./_oauth-pkce.ts"
import { runCommand } from "./_run-command.ts"
import {
  type AccessTokenProvider,
  type IdentityTokenProvider,
  loadSdkCredentials,
} from "./_sdk-credentials.ts"
import { ACCESS_TOKEN_SLOT, identityTokenStore } from "./identity-token-store.ts"

type ProfileCredential = Extract<Account["credential"], { kind: "profile" }>
type FederationCredential = Extract<Account["credential"], { kind: "federation" }>

/** A source of bearer tokens for one account. */
export interface TokenSource {
  getToken(): Promise<string>
  invalidate(): void
  /** The profile's own base URL, when it names one. */
  baseUrl?: string
  /** Headers the profile asks for (a workspace id for `user_oauth`). */
  headers?: Record<string, string>
}

export interface TokenSourceContext {
  store: AccountStore
  fetch: typeof fetch
  now: () => number
  userAgent: string
  /** Told about an advisory refresh that failed while the cached token kept serving. */
  onAdvisoryError: (error: unknown) => void
}

/** A fetch for token endpoints that gives up after 30 s, so a dead identity provider cannot hang a request. */
function withTimeout(fetchImpl: typeof fetch): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) =>
    fetchImpl(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(30_000) })) as typeof fetch
}

/** The profile's tokens, resolved by the SDK's credential chain (or, with `configDir`, from that directory). */
export async function profileTokenSource(
  credential: ProfileCredential,
  baseUrl: string | undefined,
  context: TokenSourceContext,
): Promise<TokenSource> {
  const sdk = await loadSdkCredentials()
  const options = {
    baseURL: baseUrl ?? DEFAULT_BASE_URL,
    fetch: withTimeout(context.fetch),
    userAgent: context.userAgent,
  }
  let resolved: Awaited<ReturnType<typeof sdk.defaultCredentials>>
  if (credential.configDir === undefined) {
    resolved = await sdk.defaultCredentials(options, credential.profile)
  } else {
    // The SDK finds profiles only under ANTHROPIC_CONFIG_DIR; an account may name another directory, whose profile
    // file is read here and handed to the SDK's own resolver (with the SDK's default credentials path).
    const file = join(credential.configDir, "configs", `${credential.profile}.json`)
    resolved = await readProfileFile(file).then((config) =>
      config === undefined
        ? null
        : sdk.resolveCredentialsFromConfig(
            {
              ...config,
              authentication: {
                ...config.authentication,
                credentials_path:
                  config.authentication.credentials_path ??
                  join(credential.configDir as string, "credentials", `${credential.profile}.json`),
              },
            },
            options,
          ),
    )
  }
  if (resolved === null)
    throw new Error(
      `no Anthropic profile named "${credential.profile}" was found; create it with Anthropic's CLI (ant auth login)`,
    )
  const cache = new sdk.TokenCache(resolved.provider, context.onAdvisoryError)
  const source: TokenSource = { getToken: () => cache.getToken(), invalidate: () => cache.invalidate() }
  if (resolved.baseURL) source.baseUrl = resolved.baseURL
  if (Object.keys(resolved.extraHeaders).length > 0) source.headers = { ...resolved.extraHeaders }
  return source
}

type ProfileConfig = Parameters<
  Awaited<ReturnType<typeof loadSdkCredentials>>["resolveCredentialsFromConfig"]
>[0]

async function readProfileFile(file: string): Promise<ProfileConfig | undefined> {
  let text: string
  try {
    text = await readFile(file, "utf8")
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === "ENOENT") return undefined
    throw new Error(`${file} could not be read (${code ?? "unknown error"})`)
  }
  let config: ProfileConfig
  try {
    config = JSON.parse(text) as ProfileConfig
  } catch {
    throw new Error(`${file} is not valid JSON`)
  }
  if (typeof config?.authentication !== "object" || config.authentication === null)
    throw new Error(`${file} has no "authentication" section`)
  return config
}

/** Where a federation account's identity token (the JWT to exchange) comes from. */
async function identityTokens(
  account: Account,
  credential: FederationCredential,
  context: TokenSourceContext,
): Promise<IdentityTokenProvider> {
  const source = credential.identityToken
  if (source.source === "file") return (await loadSdkCredentials()).identityTokenFromFile(source.path)
  if (source.source === "command") {
    return async () => {
      try {
        return (await runCommand(source.command, { timeoutMs: source.timeoutMs ?? 30_000 })).stdout
      } catch (error) {
        throw new Error(`the identity-token command ${(error as Error).message}`)
      }
    }
  }
  const [{ createIdentityTokenProvider }, client] = await Promise.all([
    loadOAuthPkce(),
    oauthClientOf(source, context),
  ])
  return createIdentityTokenProvider({
    client,
    store: identityTokenStore(context.store, account.id),
    withLock: (fn) => context.store.withLock(fn),
    now: context.now,
  })
}

/**
 * A federation account's tokens: the identity token exchanged at `/v1/oauth/token` by the SDK's
 * `oidcFederationProvider`, shared across processes through the account's access-token slot, cached in the process
 * by the SDK's `TokenCache`.
 */
export async function federationTokenSource(
  account: Account,
  credential: FederationCredential,
  context: TokenSourceContext,
): Promise<TokenSource> {
  const sdk = await loadSdkCredentials()
  const exchange = sdk.oidcFederationProvider({
    identityTokenProvider: await identityTokens(account, credential, context),
    federationRuleId: credential.federationRuleId,
    organizationId: credential.organizationId,
    serviceAccountId: credential.serviceAccountId,
    workspaceId: credential.workspaceId,
    baseURL: (account.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    fetch: withTimeout(context.fetch),
    userAgent: context.userAgent,
  })
  let served: string | undefined
  const shared: AccessTokenProvider = async (options) => {
    const slot = await context.store.updateTokenSlot(account.id, ACCESS_TOKEN_SLOT, async (current) => {
      const value = current?.value.reveal()
      const fresh = current !== undefined && (current.expiresAt ?? Infinity) - context.now() > 30_000
      // After a 401 only the token that was refused is replaced: another process may have re-minted already.
      if (fresh && (options?.forceRefresh !== true || value !== served)) return undefined
      const minted = await exchange(options)
      return {
        value: minted.token,
        ...(minted.expiresAt === null ? {} : { expiresAt: minted.expiresAt * 1000 }),
      }
    })
    if (slot === undefined) throw new Error("the minted token could not be kept in the account store")
    served = slot.value.reveal()
    return {
      token: served,
      expiresAt: slot.expiresAt === undefined ? null : Math.floor(slot.expiresAt / 1000),
    }
  }
  const cache = new sdk.TokenCache(shared, context.onAdvisoryError)
  return { getToken: () => cache.getToken(), invalidate: () => cache.invalidate() }
}
