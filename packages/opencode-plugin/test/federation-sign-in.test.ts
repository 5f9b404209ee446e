// The federation sign-in method as OpenCode drives it, with the real oauth-pkce against a real OpenID Provider on
// 127.0.0.1 (test-utils' oidc-provider fixture) and the mock Anthropic API's workload identity federation: the
// browser completes the sign-in, the account lands in the store with its tokens, and the loader's pool fetch then
// serves OpenCode's request with a token minted from that sign-in.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openAccountStore } from "@keyrelay/account-store"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { startMockAnthropic } from "@keyrelay/test-utils"
import {
  Browser,
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  startOidcProvider,
} from "@keyrelay/test-utils/oidc-provider"
import type { PluginInput } from "@opencode-ai/plugin"
import { describe, expect, it } from "vitest"
import { createKeyrelayPlugin } from "../src/keyrelay-plugin.ts"

const ORG = "22222222-2222-4222-8222-222222222222"

describe("the federation sign-in method, end to end", () => {
  it("signs in to the user's identity provider and serves OpenCode with tokens minted from it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyrelay-plugin-oidc-"))
    const idp = await startOidcProvider()
    const mock = await startMockAnthropic({
      organizations: [{ id: ORG, name: "Personal" }],
      credentials: [],
      issuers: [{ issuer: idp.issuer }],
      federationRules: [
        {
          id: "fdrl_oidc",
          issuer: idp.issuer,
          organizationId: ORG,
          serviceAccountId: "svac_test",
          subjectPrefix: OIDC_ACCOUNT_ID,
          label: "oidc-federation",
        },
      ],
    })
    const toasts: unknown[] = []
    const input = {
      client: {
        tui: { showToast: async ({ body }: { body: unknown }) => toasts.push(body) },
        app: { log: async () => ({}) },
      },
      directory: dir,
      worktree: dir,
    } as unknown as PluginInput
    const plugin = createKeyrelayPlugin({ env: { KEYRELAY_HOME: join(dir, "keyrelay") } })
    // `opencode auth login` signs in; a later OpenCode session serves requests.
    const login = await plugin(input, { debounceMs: 0 })
    let session: Awaited<ReturnType<typeof plugin>> | undefined
    try {
      const method = login.auth!.methods.find((m) => m.label.includes("federation"))
      if (method?.type !== "oauth") throw new Error("no federation method")
      const authorization = await method.authorize({
        label: "laptop",
        issuer: idp.issuer,
        clientId: OIDC_CLIENT_ID,
        federationRuleId: "fdrl_oidc",
        organizationId: ORG,
        serviceAccountId: "svac_test",
        workspaceId: "",
        // The pasted-address path: no system browser is opened; the test's browser ends on the loopback address.
        browser: "code",
      })
      if (authorization.method !== "code") throw new Error("expected the pasted-address method")
      const visit = await new Browser().visit(authorization.url, {
        stopAt: (url) => new URL(url).pathname === "/callback",
      })
      expect(await authorization.callback(visit.url)).toEqual({
        type: "success",
        key: OPENCODE_AUTH_MARKER_KEY,
      })

      await login.dispose?.()

      // The next session's loader serves OpenCode through the new federation account (base URL: the mock).
      const store = await openAccountStore({ home: join(dir, "keyrelay"), watch: false, flushOnExit: false })
      const [account] = store.listAccounts()
      await store.updateAccount(account!.id, { baseUrl: mock.url })
      await store.close()
      session = await plugin(input, { debounceMs: 0 })
      const options = await session.auth!.loader!(
        async () => ({ type: "api", key: OPENCODE_AUTH_MARKER_KEY }) as never,
        {} as never,
      )
      const response = await (options.fetch as typeof fetch)(`${mock.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: "hi" }],
        }),
      })
      expect(response.status).toBe(200)
      expect(mock.requests.map((r) => `${r.path} ${r.response?.status}`)).toEqual([
        "/v1/oauth/token 200",
        "/v1/messages 200",
      ])
      expect(mock.requests[1]?.credential?.label).toBe("oidc-federation")
    } finally {
      await login.dispose?.()
      await session?.dispose?.()
      await mock.close()
      await idp.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
