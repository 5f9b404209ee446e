import type { AccountStore, AccountStoreOptions } from "@keyrelay/account-store"
import type { PoolFetch, PoolFetchOptions } from "@keyrelay/pool-fetch"
import { isOpencodeAuthMarker, type OpencodeAuthEntry } from "@keyrelay/pool-fetch/opencode-auth-marker"
import type { Hooks, Plugin, PluginInput } from "@opencode-ai/plugin"
import { type AuthMethod, keyrelayAuthMethods } from "./_auth-methods.ts"
import { federationSignInMethod } from "./_federation-method.ts"
import { decideLoader } from "./_loader-decision.ts"
import { opencodeFetch } from "./_opencode-retries.ts"
import { resolvePluginSettings } from "./_plugin-options.ts"
import { poolEventNotice } from "./_pool-notice.ts"
import { createToaster, type Notice, type ToastBody } from "./_toaster.ts"
import { unavailableFetch } from "./_unavailable-fetch.ts"
import { OPENCODE_PLUGIN_ERROR_CODES, OpencodePluginError } from "./opencode-plugin-error.ts"

/** What the plugin reaches outside itself; tests replace these, OpenCode gets the defaults. */
export interface PluginDependencies {
  env: Record<string, string | undefined>
  openStore(options: AccountStoreOptions): Promise<AccountStore>
  createPoolFetch(options: PoolFetchOptions): Promise<PoolFetch>
  /** The fetch that reaches Anthropic: inside OpenCode, Bun's. */
  fetch: typeof fetch
  /** The federation sign-in methods (they load pool-fetch only when used). */
  federationMethods?(context: {
    store(): Promise<AccountStore>
    reportError(message: string): void
  }): AuthMethod[]
  setTimer?: (fn: () => void, ms: number) => { unref?: () => unknown }
  clearTimer?: (timer: unknown) => void
}

// account-store and pool-fetch are loaded when the loader or a sign-in method first needs them, not when OpenCode
// loads the plugin: OpenCode imports every plugin before it draws anything.
const defaultDependencies = (): PluginDependencies => ({
  env: process.env,
  openStore: async (options) => (await import("@keyrelay/account-store")).openAccountStore(options),
  createPoolFetch: async (options) => (await import("@keyrelay/pool-fetch")).createPoolFetch(options),
  fetch: (input, init) => globalThis.fetch(input, init),
  federationMethods: (context) => [federationSignInMethod(context)],
})

const SERVICE = "keyrelay"

/**
 * Builds the keyrelay OpenCode plugin over the given dependencies (the exported plugin uses the real ones).
 * Never throws at init: a failure there becomes an error toast, and OpenCode keeps working without keyrelay.
 */
export function createKeyrelayPlugin(overrides: Partial<PluginDependencies> = {}): Plugin {
  const plugin = async (input: PluginInput, options?: Record<string, unknown>): Promise<Hooks> => {
    const deps: PluginDependencies = { ...defaultDependencies(), ...overrides }
    const log = (level: "info" | "warn" | "error", message: string): void => {
      Promise.resolve()
        .then(() =>
          input.client.app.log({ body: { service: SERVICE, level, message: `keyrelay: ${message}` } }),
        )
        .catch(() => undefined)
    }
    const showToast = (body: ToastBody) => input.client.tui.showToast({ body })

    const directory = input.directory
    const { settings, warnings } = resolvePluginSettings(options, deps.env, directory)

    let store: AccountStore | undefined
    let storePromise: Promise<AccountStore> | undefined
    const openStore = (): Promise<AccountStore> => {
      storePromise ??= deps
        .openStore(settings.home === undefined ? {} : { home: settings.home })
        .then((opened) => {
          store = opened
          return opened
        })
        .catch((error: unknown) => {
          storePromise = undefined
          throw new OpencodePluginError(
            OPENCODE_PLUGIN_ERROR_CODES.STORE_UNAVAILABLE,
            `keyrelay could not open its store: ${(error as Error).message}`,
            { cause: error },
          )
        })
      return storePromise
    }

    const toaster = createToaster({
      show: showToast,
      debounceMs: settings.debounceMs,
      quiet: settings.quiet,
      config: () => store?.config.toasts,
      ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      ...(deps.clearTimer === undefined ? {} : { clearTimer: deps.clearTimer }),
    })
    const notify = (notice: Notice): void => {
      log(notice.level === "error" ? "error" : notice.level === "warning" ? "warn" : "info", notice.message)
      toaster.notify(notice)
    }
    for (const warning of warnings) notify({ level: "warning", message: warning })

    if (settings.disabled) {
      log("info", "keyrelay is disabled (option `disabled` or KEYRELAY_DISABLED); OpenCode is left as it is.")
      return {}
    }

    let pool: Promise<PoolFetch> | undefined
    const createPool = (opened: AccountStore): Promise<PoolFetch> => {
      pool ??= deps.createPoolFetch({
        store: opened,
        fetch: deps.fetch,
        // OpenCode's own user-agent (`opencode/<version> ai-sdk/… runtime/bun/…`) leads; request-rewrite adds this
        // product only when the caller's user-agent does not already name it, then keyrelay's.
        host: "opencode",
        directory,
        ...(settings.strategy === undefined ? {} : { strategy: settings.strategy }),
        ...(settings.waitBudgetMs === undefined ? {} : { waitBudgetMs: settings.waitBudgetMs }),
        ...(settings.maxAttempts === undefined ? {} : { maxAttempts: settings.maxAttempts }),
        onEvent: (event) => notify(poolEventNotice(event)),
      })
      return pool
    }

    // Writes pending usage and state, and stops watching the store's files (a later sign-in or loader reopens it).
    const release = async (): Promise<void> => {
      const opened = await pool?.catch(() => undefined)
      pool = undefined
      await opened?.close().catch(() => undefined)
      const closing = store
      store = undefined
      storePromise = undefined
      await closing?.close().catch(() => undefined)
    }

    const methodContext = {
      store: openStore,
      reportError: (message: string) => notify({ level: "error", message }),
    }

    return {
      auth: {
        provider: "anthropic",
        methods: keyrelayAuthMethods({
          ...methodContext,
          ...(deps.federationMethods === undefined
            ? {}
            : { federationMethods: deps.federationMethods(methodContext) }),
        }),
        async loader(getAuth) {
          let entry: OpencodeAuthEntry | undefined
          try {
            entry = (await getAuth()) as OpencodeAuthEntry | undefined
          } catch {
            entry = undefined
          }
          let opened: AccountStore
          let poolFetch: PoolFetch
          try {
            opened = await openStore()
            poolFetch = await createPool(opened)
          } catch (error) {
            const reason = (error as Error).message.replace(/^keyrelay:\s*/, "")
            notify({
              level: "error",
              message: `${reason} keyrelay is not serving Anthropic requests in this session.`,
            })
            // OpenCode alone can only send the marker as if it were a key; say what is wrong instead.
            return isOpencodeAuthMarker(entry) ? { apiKey: "", fetch: unavailableFetch(reason) } : {}
          }
          const decision = decideLoader(entry, poolFetch.hasUsableAccounts())
          if (decision.notice !== undefined) notify(decision.notice)
          if (decision.log !== undefined) log("info", decision.log)
          if (decision.usePool) return { apiKey: "", fetch: opencodeFetch(poolFetch) }
          await release()
          return {}
        },
      },
      async dispose() {
        await toaster.flush()
        await release()
      },
    }
  }
  return async (input, options) => {
    try {
      return await plugin(input, options)
    } catch (error) {
      // A plugin that throws at init breaks the user's OpenCode; without keyrelay it still works.
      await Promise.resolve()
        .then(() =>
          input.client.tui.showToast({
            body: {
              title: SERVICE,
              variant: "error",
              message: `keyrelay could not start (${(error as Error)?.message ?? String(error)}); OpenCode runs without it.`,
            },
          }),
        )
        .catch(() => undefined)
      return {}
    }
  }
}

/**
 * The keyrelay OpenCode plugin: serves OpenCode's Anthropic requests from your own pool of credentials (failover,
 * limits, usage and cost), adds keyrelay's sign-in methods to `opencode auth login`, and says in toasts which account
 * serves and why it switched.
 *
 * @example
 * ```json
 * { "plugin": [["opencode-keyrelay", { "quiet": true, "strategy": "round-robin" }]] }
 * ```
 */
export const KeyrelayPlugin: Plugin = createKeyrelayPlugin()
