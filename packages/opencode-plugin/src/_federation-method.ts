// The OpenCode sign-in method for a workload identity federation account whose identity token comes from a sign-in
// to the user's own identity provider (never Anthropic's or Claude's): authorization code + PKCE with a loopback
// redirect (`auto`: OpenCode waits while the browser completes), or the redirect address pasted into OpenCode
// (`code`: for a browser on another machine). The account is added only once the sign-in succeeded, and the tokens
// go to the account's token slot, where pool-fetch reads and rotates them. oauth-pkce loads only when this is used.
import type { AccountStore } from "@keyrelay/account-store"
import type { LoopbackSignIn, OAuthClient, StoredTokenSet, TokenSet, TokenStore } from "@keyrelay/oauth-pkce"
import { KEYRELAY_AUTH_MARKER } from "./_auth-marker.ts"
import { type AuthMethod, type AuthMethodContext, assertLabelFree } from "./_auth-methods.ts"
import { OPENCODE_PLUGIN_ERROR_CODES, OpencodePluginError } from "./opencode-plugin-error.ts"

/** The parts of oauth-pkce and pool-fetch the method uses; tests pass fakes. */
export interface FederationSignInDependencies {
  createClient(options: { issuer: string; clientId: string; scope: string }): Promise<OAuthClient>
  startSignIn(client: OAuthClient): Promise<LoopbackSignIn>
  openBrowser(url: string): Promise<boolean>
  tokenStore(store: AccountStore, accountId: string): Promise<TokenStore>
}

/** The scopes `keyrelay add --kind federation` asks for: an ID token, and a refresh token to get fresh ones. */
export const FEDERATION_SCOPES = ["openid", "offline_access"]

const defaultDependencies: FederationSignInDependencies = {
  async createClient(options) {
    const { createOAuthClient } = await import("@keyrelay/oauth-pkce")
    return createOAuthClient(options)
  },
  async startSignIn(client) {
    const { startLoopbackSignIn } = await import("@keyrelay/oauth-pkce")
    // Many identity providers grant the refresh token (offline_access) only with explicit consent.
    return startLoopbackSignIn({ client, parameters: { prompt: "consent" } })
  },
  async openBrowser(url) {
    const { openBrowser } = await import("@keyrelay/oauth-pkce")
    return openBrowser(url)
  },
  async tokenStore(store, accountId) {
    const { identityTokenStore } = await import("@keyrelay/pool-fetch")
    return identityTokenStore(store, accountId)
  },
}

const text = (inputs: Record<string, string> | undefined, key: string): string => (inputs?.[key] ?? "").trim()
const matching = (pattern: RegExp, what: string) => (value: string) =>
  pattern.test(value.trim()) ? undefined : `Enter ${what}.`

function signInFailed(issuer: string, error: unknown): OpencodePluginError {
  return new OpencodePluginError(
    OPENCODE_PLUGIN_ERROR_CODES.SIGN_IN_FAILED,
    `Sign-in to ${issuer} did not complete: ${(error as Error).message}`,
    { cause: error },
  )
}

/** The federation sign-in method of keyrelay's auth hook. */
export function federationSignInMethod(
  context: AuthMethodContext,
  dependencies: FederationSignInDependencies = defaultDependencies,
): AuthMethod {
  return {
    type: "oauth",
    label: "keyrelay: sign in for workload identity federation (your identity provider)",
    prompts: [
      {
        type: "text",
        key: "label",
        message: "Label for this account",
        placeholder: "work-sso",
        validate: matching(/\S/, "a label"),
      },
      {
        type: "text",
        key: "issuer",
        message: "Your identity provider's issuer URL",
        placeholder: "https://login.example.com",
        validate: matching(/^https?:\/\/\S+$/, "the issuer URL (https://…)"),
      },
      {
        type: "text",
        key: "clientId",
        message: "Client id of the public (native) client registered with it",
        validate: matching(/\S/, "the client id"),
      },
      {
        type: "text",
        key: "federationRuleId",
        message: "Anthropic federation rule id (fdrl_…)",
        validate: matching(/^fdrl_\w+$/, "a federation rule id (fdrl_…)"),
      },
      {
        type: "text",
        key: "organizationId",
        message: "Anthropic organization id",
        validate: matching(/\S/, "the organization id"),
      },
      {
        type: "text",
        key: "serviceAccountId",
        message: "Anthropic service account id (svac_…)",
        validate: matching(/^svac_\w+$/, "a service account id (svac_…)"),
      },
      {
        type: "text",
        key: "workspaceId",
        message: "Workspace id (empty: the rule's default)",
        placeholder: "wrkspc_…",
      },
      {
        type: "select",
        key: "browser",
        message: "Where is your browser?",
        options: [
          { label: "on this machine", value: "auto", hint: "the sign-in returns here by itself" },
          { label: "elsewhere (SSH)", value: "code", hint: "paste the address the browser ends on" },
        ],
      },
    ],
    async authorize(inputs) {
      const issuer = text(inputs, "issuer")
      const label = text(inputs, "label")
      let signIn: LoopbackSignIn
      try {
        for (const [key, problem] of [
          [
            "federationRuleId",
            matching(/^fdrl_\w+$/, "a federation rule id (fdrl_…)")(text(inputs, "federationRuleId")),
          ],
          [
            "serviceAccountId",
            matching(/^svac_\w+$/, "a service account id (svac_…)")(text(inputs, "serviceAccountId")),
          ],
          ["organizationId", matching(/\S/, "the organization id")(text(inputs, "organizationId"))],
          ["clientId", matching(/\S/, "the client id")(text(inputs, "clientId"))],
        ] as const) {
          if (problem !== undefined)
            throw new OpencodePluginError(OPENCODE_PLUGIN_ERROR_CODES.INVALID_INPUT, `${key}: ${problem}`)
        }
        assertLabelFree(await context.store(), label)
        const client = await dependencies.createClient({
          issuer,
          clientId: text(inputs, "clientId"),
          scope: FEDERATION_SCOPES.join(" "),
        })
        signIn = await dependencies.startSignIn(client)
      } catch (error) {
        const failure = error instanceof OpencodePluginError ? error : signInFailed(issuer, error)
        context.reportError(failure.message)
        throw failure
      }

      const finish = async (tokens: Promise<TokenSet>) => {
        try {
          const signedIn = await tokens
          const store = await context.store()
          const workspaceId = text(inputs, "workspaceId")
          const account = await store.addAccount({
            label,
            credential: {
              kind: "federation",
              federationRuleId: text(inputs, "federationRuleId"),
              organizationId: text(inputs, "organizationId"),
              serviceAccountId: text(inputs, "serviceAccountId"),
              ...(workspaceId === "" ? {} : { workspaceId }),
              identityToken: {
                source: "oauth",
                issuer,
                clientId: text(inputs, "clientId"),
                scopes: FEDERATION_SCOPES,
              },
            },
          })
          const stored: StoredTokenSet = { ...signedIn, idTokenSpent: false }
          await (await dependencies.tokenStore(store, account.id)).save(stored)
          return { type: "success" as const, key: KEYRELAY_AUTH_MARKER }
        } catch (error) {
          const failure = error instanceof OpencodePluginError ? error : signInFailed(issuer, error)
          context.reportError(failure.message)
          throw failure
        } finally {
          await signIn.close().catch(() => undefined)
        }
      }

      const instructions = `Sign in to ${issuer}. keyrelay keeps the sign-in's tokens in its own store; OpenCode records only that keyrelay serves Anthropic.`
      if (text(inputs, "browser") === "code")
        return {
          url: signIn.url,
          method: "code",
          instructions: `${instructions} Then paste the address the browser ends on (http://127.0.0.1/…).`,
          callback: (pasted: string) => finish(signIn.complete(pasted)),
        }
      await dependencies.openBrowser(signIn.url).catch(() => false)
      return { url: signIn.url, method: "auto", instructions, callback: () => finish(signIn.result) }
    },
  }
}
