// The OpenCode sign-in method for a workload identity federation account whose identity token comes from a sign-in
// to the user's own identity provider (never Anthropic's or Claude's): authorization code + PKCE with a loopback
// redirect (`auto`: OpenCode waits while the browser completes), or the redirect address pasted into OpenCode
// (`code`: for a browser on another machine). The account is added only once the sign-in succeeded. The sign-in
// itself is pool-fetch's (`createFederationSignIn`, shared with `keyrelay login`), loaded only when this is used.
import type * as PoolFetch from "@keyrelay/pool-fetch"
import type {
  FederationBrowserSignIn,
  FederationSignIn,
  OAuthIdentityToken,
  POOL_FETCH_ERROR_CODES,
  TokenSet,
} from "@keyrelay/pool-fetch"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { type AuthMethod, type AuthMethodContext, assertLabelFree } from "./_auth-methods.ts"
import { OPENCODE_PLUGIN_ERROR_CODES, OpencodePluginError } from "./opencode-plugin-error.ts"

/** Loads the part of pool-fetch the method uses, at first use; tests pass a fake. */
export type LoadFederationSignIn = () => Promise<
  Pick<typeof PoolFetch, "createFederationSignIn" | "DEFAULT_FEDERATION_SCOPES">
>

const loadPoolFetch: LoadFederationSignIn = () => import("@keyrelay/pool-fetch")

const SIGN_IN_FAILED: (typeof POOL_FETCH_ERROR_CODES)["SIGN_IN_FAILED"] = "ERR_POOL_SIGN_IN_FAILED"

const text = (inputs: Record<string, string> | undefined, key: string): string => (inputs?.[key] ?? "").trim()
const matching = (pattern: RegExp, what: string) => (value: string) =>
  pattern.test(value.trim()) ? undefined : `Enter ${what}.`

function signInFailed(issuer: string, error: unknown): OpencodePluginError {
  // pool-fetch's sign-in failures already say what did not complete, at which provider.
  const signInError = (error as { code?: unknown } | null)?.code === SIGN_IN_FAILED
  return new OpencodePluginError(
    OPENCODE_PLUGIN_ERROR_CODES.SIGN_IN_FAILED,
    signInError
      ? (error as Error).message
      : `Sign-in to ${issuer} did not complete: ${(error as Error).message}`,
    { cause: error },
  )
}

/** The federation sign-in method of keyrelay's auth hook. */
export function federationSignInMethod(
  context: AuthMethodContext,
  load: LoadFederationSignIn = loadPoolFetch,
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
      let signIn: FederationSignIn
      let session: FederationBrowserSignIn
      let identityToken: OAuthIdentityToken
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
        const { createFederationSignIn, DEFAULT_FEDERATION_SCOPES } = await load()
        identityToken = {
          source: "oauth",
          issuer,
          clientId: text(inputs, "clientId"),
          scopes: [...DEFAULT_FEDERATION_SCOPES],
        }
        signIn = createFederationSignIn({ identityToken, host: "opencode" })
        session = await signIn.start({ openBrowser: text(inputs, "browser") !== "code" })
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
              identityToken,
            },
          })
          await signIn.save(store, account.id, signedIn)
          return { type: "success" as const, key: OPENCODE_AUTH_MARKER_KEY }
        } catch (error) {
          const failure = error instanceof OpencodePluginError ? error : signInFailed(issuer, error)
          context.reportError(failure.message)
          throw failure
        } finally {
          await session.close().catch(() => undefined)
        }
      }

      const instructions = `Sign in to ${issuer}. keyrelay keeps the sign-in's tokens in its own store; OpenCode records only that keyrelay serves Anthropic.`
      if (text(inputs, "browser") === "code")
        return {
          url: session.url,
          method: "code",
          instructions: `${instructions} Then paste the address the browser ends on (http://127.0.0.1/…).`,
          callback: (pasted: string) => finish(session.complete(pasted)),
        }
      return { url: session.url, method: "auto", instructions, callback: () => finish(session.result) }
    },
  }
}
