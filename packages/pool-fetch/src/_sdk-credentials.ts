// The official SDK's credential providers, loaded only when a profile or federation account is used, so a pool
// of plain keys never pays for them. keyrelay does not re-implement what they do: the jwt-bearer exchange, the
// profile files, the refresh windows and single-flight refreshes of TokenCache.
import type { AccessTokenProvider, IdentityTokenProvider } from "@anthropic-ai/sdk/lib/credentials/types"

export type { AccessTokenProvider, IdentityTokenProvider }

/** The parts of `@anthropic-ai/sdk` pool-fetch uses. */
export interface SdkCredentials {
  TokenCache: typeof import("@anthropic-ai/sdk/lib/credentials/token-cache").TokenCache
  oidcFederationProvider: typeof import("@anthropic-ai/sdk/lib/credentials/oidc-federation").oidcFederationProvider
  identityTokenFromFile: typeof import("@anthropic-ai/sdk/lib/credentials/identity-token").identityTokenFromFile
  defaultCredentials: typeof import("@anthropic-ai/sdk/lib/credentials/credential-chain").defaultCredentials
  resolveCredentialsFromConfig: typeof import("@anthropic-ai/sdk/lib/credentials/credential-chain").resolveCredentialsFromConfig
}

let loading: Promise<SdkCredentials> | undefined

/** Loads the SDK's credential modules once. */
export function loadSdkCredentials(): Promise<SdkCredentials> {
  loading ??= Promise.all([
    import("@anthropic-ai/sdk/lib/credentials/token-cache"),
    import("@anthropic-ai/sdk/lib/credentials/oidc-federation"),
    import("@anthropic-ai/sdk/lib/credentials/identity-token"),
    import("@anthropic-ai/sdk/lib/credentials/credential-chain"),
  ]).then(([cache, federation, identity, chain]) => ({
    TokenCache: cache.TokenCache,
    oidcFederationProvider: federation.oidcFederationProvider,
    identityTokenFromFile: identity.identityTokenFromFile,
    defaultCredentials: chain.defaultCredentials,
    resolveCredentialsFromConfig: chain.resolveCredentialsFromConfig,
  }))
  loading.catch(() => {
    loading = undefined
  })
  return loading
}
