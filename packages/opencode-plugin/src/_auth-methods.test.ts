import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AccountStore, openAccountStore } from "@keyrelay/account-store"
import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type AuthMethod, apiKeyProblem, keyrelayAuthMethods } from "./_auth-methods.ts"

const KEY = "sk-ant-api03-test-plugin-method-aaaa"

type OAuthMethod = Extract<AuthMethod, { type: "oauth" }>

describe("keyrelay's sign-in methods", () => {
  let home: string
  let store: AccountStore
  let errors: string[]
  let methods: OAuthMethod[]

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "keyrelay-plugin-methods-"))
    store = await openAccountStore({ home, watch: false, flushOnExit: false })
    errors = []
    methods = keyrelayAuthMethods({
      store: async () => store,
      reportError: (message) => errors.push(message),
    }) as OAuthMethod[]
  })
  afterEach(async () => {
    await store.close()
    rmSync(home, { recursive: true, force: true })
  })

  const method = (label: string): OAuthMethod => {
    const found = methods.find((m) => m.label.includes(label))
    if (found === undefined) throw new Error(`no method ${label}`)
    return found
  }
  const complete = async (label: string, inputs: Record<string, string>) => {
    const authorization = await method(label).authorize(inputs)
    expect(authorization.method).toBe("auto")
    if (authorization.method !== "auto") throw new Error("unreachable")
    return authorization.callback()
  }

  it("are all of OpenCode's oauth type, so both `opencode auth login` and the TUI hand the input to keyrelay", () => {
    expect(methods.map((m) => m.type)).toEqual(["oauth", "oauth", "oauth", "oauth"])
    expect(methods.every((m) => m.label.startsWith("keyrelay: "))).toBe(true)
  })

  it("puts a pasted API key into keyrelay's store and leaves only the marker for OpenCode", async () => {
    const result = await complete("API key", { label: "work", key: `  ${KEY}\n` })
    expect(result).toEqual({ type: "success", key: OPENCODE_AUTH_MARKER_KEY })
    expect(JSON.stringify(result)).not.toContain(KEY)
    const [account] = store.listAccounts()
    expect(account).toMatchObject({ label: "work", credential: { kind: "api-key" }, enabled: true })
    expect((await store.getSecret(account!.id)).reveal()).toBe(KEY)
    expect(readFileSync(join(home, "accounts.json"), "utf8")).not.toContain(KEY)
  })

  it("refuses subscription and admin tokens, in the prompt and in the callback, without echoing them", async () => {
    const keyPrompt = method("API key").prompts!.find((p) => p.key === "key")!
    if (keyPrompt.type !== "text") throw new Error("unreachable")
    for (const token of [
      "sk-ant-oat01-test-subscription",
      "sk-ant-ort01-test-refresh",
      "sk-ant-admin01-test",
    ]) {
      const message = keyPrompt.validate!(token)
      expect(message).toBeDefined()
      expect(message).not.toContain(token)
      await expect(complete("API key", { label: "x", key: token })).rejects.toMatchObject({
        code: "ERR_PLUGIN_FORBIDDEN_CREDENTIAL",
      })
    }
    expect(keyPrompt.validate!("hello")).toMatch(/not a Console API key/)
    expect(keyPrompt.validate!(KEY)).toBeUndefined()
    expect(store.listAccounts()).toEqual([])
    expect(errors).toHaveLength(3)
    expect(errors.join("\n")).toContain("subscription token")
  })

  it("refuses a label another account has, and a missing one", async () => {
    await complete("API key", { label: "work", key: KEY })
    await expect(complete("API key", { label: "WORK", key: `${KEY}b` })).rejects.toMatchObject({
      code: "ERR_PLUGIN_INVALID_INPUT",
      message: expect.stringContaining('already labelled "WORK"'),
    })
    await expect(complete("key command", { label: " ", command: "pass show x" })).rejects.toMatchObject({
      code: "ERR_PLUGIN_INVALID_INPUT",
    })
    expect(store.listAccounts()).toHaveLength(1)
  })

  it("treats a key already in the pool as done: OpenCode still gets the marker", async () => {
    await complete("API key", { label: "work", key: KEY })
    await expect(complete("API key", { label: "again", key: KEY })).resolves.toEqual({
      type: "success",
      key: OPENCODE_AUTH_MARKER_KEY,
    })
    expect(store.listAccounts()).toHaveLength(1)
  })

  it("adds a key command with the CLI's defaults, and a profile (default when left empty)", async () => {
    await complete("key command", { label: "vault", command: "op read op://dev/anthropic/key" })
    await complete("profile", { label: "ant", profile: "" })
    expect(store.listAccounts().map((a) => a.credential)).toEqual([
      { kind: "command", command: "op read op://dev/anthropic/key", ttlSeconds: 300, timeoutMs: 10_000 },
      { kind: "profile", profile: "default" },
    ])
  })

  it("lets OpenCode use a pool made with the CLI, and says what to do when it is empty", async () => {
    await expect(complete("already in keyrelay's pool", {})).rejects.toMatchObject({
      code: "ERR_PLUGIN_INVALID_INPUT",
      message: expect.stringContaining("keyrelay add"),
    })
    await store.addAccount({ label: "cli", credential: { kind: "env", variable: "WORK_KEY" } })
    await expect(complete("already in keyrelay's pool", {})).resolves.toEqual({
      type: "success",
      key: OPENCODE_AUTH_MARKER_KEY,
    })
  })
})

describe("apiKeyProblem", () => {
  it("accepts Console keys only", () => {
    expect(apiKeyProblem(KEY)).toBeUndefined()
    expect(apiKeyProblem("")?.code).toBe("ERR_PLUGIN_INVALID_KEY")
    expect(apiKeyProblem("sk-ant-api03-has space")?.code).toBe("ERR_PLUGIN_INVALID_KEY")
    expect(apiKeyProblem("sk-ant-oat01-x")?.code).toBe("ERR_PLUGIN_FORBIDDEN_CREDENTIAL")
  })
})
