// The sign-in methods keyrelay adds to `opencode auth login` → Anthropic (and the TUI's /connect). Every method is
// of OpenCode's `oauth` type, even those that need no browser: for `api` methods OpenCode 1.18.33 keeps the typed key
// to itself (the CLI never hands it to `authorize`, the TUI never calls `authorize`) and would write it to its own
// auth.json. With `oauth`, our prompts collect the input, our callback puts the credential into keyrelay's store,
// and OpenCode stores only the marker that makes it call the loader.
import type { AccountStore, CredentialInput } from "@keyrelay/account-store"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import type { AuthHook } from "@opencode-ai/plugin"
import {
  OPENCODE_PLUGIN_ERROR_CODES,
  OpencodePluginError,
  type OpencodePluginErrorCode,
} from "./opencode-plugin-error.ts"

export type AuthMethod = AuthHook["methods"][number]
type OAuthMethod = Extract<AuthMethod, { type: "oauth" }>
type Prompt = NonNullable<OAuthMethod["prompts"]>[number]
type AuthorizeResult = Awaited<ReturnType<OAuthMethod["authorize"]>>
type CallbackResult = Awaited<ReturnType<Extract<AuthorizeResult, { method: "auto" }>["callback"]>>

/** What the methods need from the plugin instance. */
export interface AuthMethodContext {
  /** keyrelay's store, opened once per plugin instance. */
  store(): Promise<AccountStore>
  /** Tells the user about a failure (a toast in the TUI; `opencode auth login` prints the thrown message). */
  reportError(message: string): void
  /** The federation sign-in methods, when they can be offered. */
  federationMethods?: AuthMethod[]
}

/** A key command's defaults, the same as `keyrelay add --kind command`. */
export const COMMAND_TTL_SECONDS = 300
export const COMMAND_TIMEOUT_MS = 10_000

/**
 * Why a pasted value cannot be pooled as a Console API key, or `undefined` when it can. Never echoes the value.
 * Claude subscription tokens (`sk-ant-oat…`, `sk-ant-ort…`) are refused outright: Anthropic's terms forbid using
 * them in other tools (reference §8), and keyrelay never pools them.
 */
export function apiKeyProblem(
  value: string | undefined,
): { code: OpencodePluginErrorCode; message: string } | undefined {
  const key = (value ?? "").trim()
  if (key === "")
    return { code: OPENCODE_PLUGIN_ERROR_CODES.INVALID_KEY, message: "Paste an API key (sk-ant-api…)." }
  if (/^sk-ant-(oat|ort)/i.test(key))
    return {
      code: OPENCODE_PLUGIN_ERROR_CODES.FORBIDDEN_CREDENTIAL,
      message:
        "That is a Claude subscription token. keyrelay pools only Console API keys (sk-ant-api…) you own: Anthropic does not allow subscription tokens in other tools.",
    }
  if (/^sk-ant-admin/i.test(key))
    return {
      code: OPENCODE_PLUGIN_ERROR_CODES.FORBIDDEN_CREDENTIAL,
      message: "That is an Admin API key, which cannot send messages. Paste a Console API key (sk-ant-api…).",
    }
  if (!/^sk-ant-api\S{6,}$/.test(key))
    return {
      code: OPENCODE_PLUGIN_ERROR_CODES.INVALID_KEY,
      message: "That is not a Console API key: it starts with sk-ant-api and has no spaces.",
    }
  return undefined
}

function required(what: string): (value: string) => string | undefined {
  return (value) => (value.trim() === "" ? `Enter ${what}.` : undefined)
}

const labelPrompt: Prompt = {
  type: "text",
  key: "label",
  message: "Label for this account (shown in toasts and in keyrelay list)",
  placeholder: "work",
  validate: required("a label"),
}

function text(inputs: Record<string, string> | undefined, key: string): string {
  return (inputs?.[key] ?? "").trim()
}

/**
 * Throws unless `label` can name a new account: labels name accounts in toasts and in the CLI
 * (`keyrelay enable work`), so they are unique, case-insensitively.
 */
export function assertLabelFree(store: AccountStore, label: string): void {
  if (label === "")
    throw new OpencodePluginError(OPENCODE_PLUGIN_ERROR_CODES.INVALID_INPUT, "Give the account a label.")
  if (store.listAccounts().some((account) => account.label.toLowerCase() === label.toLowerCase()))
    throw new OpencodePluginError(
      OPENCODE_PLUGIN_ERROR_CODES.INVALID_INPUT,
      `An account is already labelled "${label}" in keyrelay's pool; choose another label.`,
    )
}

/** Adds the account under a free label; the same credential already in the pool counts as done. */
async function addAccount(
  context: AuthMethodContext,
  label: string,
  credential: CredentialInput,
): Promise<void> {
  const store = await context.store()
  assertLabelFree(store, label)
  try {
    await store.addAccount({ label, credential })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    // The same credential already in the pool is not a failure: OpenCode only needs the marker.
    if (code === "ERR_STORE_DUPLICATE_CREDENTIAL") return
    throw new OpencodePluginError(
      OPENCODE_PLUGIN_ERROR_CODES.STORE_UNAVAILABLE,
      `keyrelay could not add "${label}" to its pool: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/** An `auto` authorization whose callback does the work and leaves the marker in OpenCode's auth store. */
function commit(
  context: AuthMethodContext,
  instructions: string,
  work: () => Promise<void>,
): AuthorizeResult {
  return {
    url: "",
    method: "auto",
    instructions,
    async callback(): Promise<CallbackResult> {
      try {
        await work()
      } catch (error) {
        context.reportError((error as Error).message)
        throw error
      }
      return { type: "success", key: OPENCODE_AUTH_MARKER_KEY }
    },
  }
}

const MARKER_NOTE =
  "keyrelay keeps the credential in its own store; OpenCode records only that keyrelay serves Anthropic."

/** The keyrelay methods of OpenCode's auth hook for provider `anthropic`. */
export function keyrelayAuthMethods(context: AuthMethodContext): AuthMethod[] {
  const methods: AuthMethod[] = [
    {
      type: "oauth",
      label: "keyrelay: add an API key to the pool",
      prompts: [
        labelPrompt,
        {
          type: "text",
          key: "key",
          message: "Console API key (sk-ant-api…); keyrelay stores it, OpenCode keeps only a marker",
          placeholder: "sk-ant-api03-…",
          validate: (value) => apiKeyProblem(value)?.message,
        },
      ],
      async authorize(inputs) {
        return commit(context, MARKER_NOTE, async () => {
          const problem = apiKeyProblem(inputs?.key)
          if (problem !== undefined) throw new OpencodePluginError(problem.code, problem.message)
          await addAccount(context, text(inputs, "label"), { kind: "api-key", key: text(inputs, "key") })
        })
      },
    },
    {
      type: "oauth",
      label: "keyrelay: add a key command (1Password, pass, a vault CLI)",
      prompts: [
        labelPrompt,
        {
          type: "text",
          key: "command",
          message: "Command that prints the key (run by keyrelay when the key is needed)",
          placeholder: "op read op://dev/anthropic/credential",
          validate: required("a command"),
        },
      ],
      async authorize(inputs) {
        return commit(context, MARKER_NOTE, async () => {
          const command = text(inputs, "command")
          if (command === "")
            throw new OpencodePluginError(
              OPENCODE_PLUGIN_ERROR_CODES.INVALID_INPUT,
              "Enter the command that prints the key.",
            )
          await addAccount(context, text(inputs, "label"), {
            kind: "command",
            command,
            ttlSeconds: COMMAND_TTL_SECONDS,
            timeoutMs: COMMAND_TIMEOUT_MS,
          })
        })
      },
    },
    {
      type: "oauth",
      label: "keyrelay: add an Anthropic profile (ant auth login)",
      prompts: [
        labelPrompt,
        { type: "text", key: "profile", message: "Profile name (empty for default)", placeholder: "default" },
      ],
      async authorize(inputs) {
        return commit(context, MARKER_NOTE, async () => {
          await addAccount(context, text(inputs, "label"), {
            kind: "profile",
            profile: text(inputs, "profile") || "default",
          })
        })
      },
    },
    ...(context.federationMethods ?? []),
    {
      type: "oauth",
      label: "keyrelay: use the accounts already in keyrelay's pool",
      async authorize() {
        return commit(context, "OpenCode will send Anthropic requests through keyrelay's pool.", async () => {
          const store = await context.store()
          if (store.listAccounts().length === 0)
            throw new OpencodePluginError(
              OPENCODE_PLUGIN_ERROR_CODES.INVALID_INPUT,
              `keyrelay's pool (${store.home}) has no accounts yet: add one with \`keyrelay add\`, or choose another keyrelay method.`,
            )
        })
      },
    },
  ]
  return methods
}
