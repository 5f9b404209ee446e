import { describe, expect, it } from "vitest"
import { ANTHROPIC_VERSION, buildOutgoingRequest } from "./build-outgoing-request.ts"
import type { Credential } from "./credential.ts"
import { VERSION } from "./version.ts"

const key: Credential = { type: "api-key", key: "sk-ant-api03-test-build-key" }
const token: Credential = { type: "bearer", token: "sk-ant-oat01-test-build-token" }
const kr = `keyrelay/${VERSION}`

// What OpenCode 1.18.33 hands a plugin's fetch (reference opencode-e2e.md §5 and (b)).
const opencodeBody = JSON.stringify({
  model: "claude-sonnet-4-5",
  max_tokens: 32000,
  system: [{ type: "text", text: "You are OpenCode…", cache_control: { type: "ephemeral" } }],
  messages: [
    { role: "user", content: [{ type: "text", text: "say hi", cache_control: { type: "ephemeral" } }] },
  ],
  tools: ["bash", "edit", "glob", "grep", "read", "skill", "task", "todowrite", "webfetch", "write"].map(
    (name) => ({
      name,
      description: `${name} tool`,
      input_schema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {},
      },
      eager_input_streaming: true,
    }),
  ),
  tool_choice: { type: "auto" },
  stream: true,
})
const opencodeInit = () => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    "user-agent": "opencode/1.18.33 ai-sdk/provider-utils/4.0.46 runtime/bun/1.3.14",
    "anthropic-beta":
      "structured-outputs-2025-11-13,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
    "anthropic-version": "2023-06-01",
    "x-api-key": "",
    "x-session-affinity": "ses_1",
  },
  body: opencodeBody,
  signal: new AbortController().signal,
  timeout: false,
})

function build(overrides: Partial<Parameters<typeof buildOutgoingRequest>[0]> = {}) {
  return buildOutgoingRequest({ url: "https://api.anthropic.com/v1/messages", credential: key, ...overrides })
}

describe("buildOutgoingRequest", () => {
  it("turns OpenCode's request into one for the account: its key, honest user-agent, body untouched", () => {
    const init = opencodeInit()
    const out = buildOutgoingRequest({
      url: "https://api.anthropic.com/v1/messages",
      init,
      account: { baseUrl: "https://gateway.example.com/anthropic", betas: ["context-1m-2025-08-07"] },
      credential: key,
      host: "opencode",
    })
    expect(out.url).toBe("https://gateway.example.com/anthropic/v1/messages")
    expect({ ...out.init.headers }).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-session-affinity": "ses_1",
      "anthropic-beta":
        "structured-outputs-2025-11-13,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14," +
        "context-1m-2025-08-07",
      "user-agent": `opencode/1.18.33 ai-sdk/provider-utils/4.0.46 runtime/bun/1.3.14 ${kr}`,
      "x-api-key": "sk-ant-api03-test-build-key",
    })
    expect(out.init.body).toBe(opencodeBody)
    expect(out.init.method).toBe("POST")
    expect(out.init.signal).toBe(init.signal)
    expect((out.init as { timeout?: unknown }).timeout).toBe(false)
    expect(out.init.redirect).toBe("manual")
    expect(out.init.credentials).toBe("omit")
    expect(out.toolNames).toBeUndefined()
    expect(init.headers["x-api-key"]).toBe("") // the caller's init is not modified
  })

  describe("credentials", () => {
    it("sends a key as x-api-key, with no oauth beta", () => {
      const { headers } = build().init
      expect(headers["x-api-key"]).toBe("sk-ant-api03-test-build-key")
      expect(headers.authorization).toBeUndefined()
      expect(headers["anthropic-beta"]).toBeUndefined()
    })

    it("sends a token as a bearer authorization with the oauth-2025-04-20 beta, after the others", () => {
      const { headers } = build({ credential: token, init: { headers: { "anthropic-beta": "a-1" } } }).init
      expect(headers.authorization).toBe("Bearer sk-ant-oat01-test-build-token")
      expect(headers["x-api-key"]).toBeUndefined()
      expect(headers["anthropic-beta"]).toBe("a-1,oauth-2025-04-20")
    })

    it("does not repeat the oauth beta the caller already sent", () => {
      const init = { headers: { "anthropic-beta": "oauth-2025-04-20" } }
      expect(build({ credential: token, init }).init.headers["anthropic-beta"]).toBe("oauth-2025-04-20")
    })

    it.each([
      [
        "a plain object",
        { "X-Api-Key": "", Authorization: "Bearer caller", "proxy-authorization": "x", Cookie: "a=b" },
      ],
      [
        "pairs",
        [
          ["x-api-key", "sk-ant-api03-test-caller"],
          ["AUTHORIZATION", "Bearer caller"],
          ["Proxy-Authorization", "Basic x"],
          ["cookie", "session=1"],
        ],
      ],
      ["a Headers", new Headers({ "x-api-key": "caller", authorization: "Bearer caller", cookie: "a=b" })],
    ])("removes every credential the caller set, given as %s", (_, headers) => {
      for (const credential of [key, token]) {
        const out = build({ credential, init: { headers } as RequestInit }).init.headers
        const auth = Object.entries(out).filter(([name]) =>
          ["x-api-key", "authorization", "proxy-authorization", "cookie"].includes(name),
        )
        expect(auth).toEqual(
          credential.type === "api-key"
            ? [["x-api-key", "sk-ant-api03-test-build-key"]]
            : [["authorization", "Bearer sk-ant-oat01-test-build-token"]],
        )
      }
    })

    it("drops host and content-length, which fetch sets for the new target and body", () => {
      const headers = build({ init: { headers: { Host: "api.anthropic.com", "Content-Length": "10" } } }).init
        .headers
      expect(headers.host).toBeUndefined()
      expect(headers["content-length"]).toBeUndefined()
    })
  })

  describe("redirects", () => {
    it.each(["follow", "error", undefined] as const)(
      "always sets redirect: manual (caller asked %s)",
      (redirect) => {
        const init: RequestInit = redirect === undefined ? {} : { redirect }
        expect(build({ init }).init.redirect).toBe("manual")
      },
    )
  })

  describe("anthropic-version", () => {
    it.each([
      [undefined, ANTHROPIC_VERSION],
      ["", ANTHROPIC_VERSION],
      ["  ", ANTHROPIC_VERSION],
      ["2023-01-01", "2023-01-01"],
    ])("caller %j → %j", (version, expected) => {
      const headers = version === undefined ? {} : { "Anthropic-Version": version }
      expect(build({ init: { headers } }).init.headers["anthropic-version"]).toBe(expected)
    })
  })

  describe("anthropic-beta", () => {
    it("merges caller, account and configuration in that order, without duplicates", () => {
      const out = build({
        init: {
          headers: [
            ["anthropic-beta", "b-1, a-1"],
            ["Anthropic-Beta", "c-1"],
          ],
        },
        account: { betas: ["a-1", "d-1"] },
        betas: ["e-1", "b-1"],
      })
      expect(out.init.headers["anthropic-beta"]).toBe("b-1,a-1,c-1,d-1,e-1")
    })

    it("sends no anthropic-beta header when there is none", () => {
      expect("anthropic-beta" in build({ init: { headers: { "anthropic-beta": " , " } } }).init.headers).toBe(
        false,
      )
    })
  })

  describe("user-agent", () => {
    it.each([
      [{ "user-agent": "Anthropic/JS 0.60.0" }, undefined, `Anthropic/JS 0.60.0 ${kr}`],
      [{ "User-Agent": "" }, "opencode", `opencode ${kr}`],
      [{}, undefined, kr],
      [{}, "opencode/1.18.33", `opencode/1.18.33 ${kr}`],
    ])("%j with host %j → %j", (headers, host, expected) => {
      expect(build({ init: { headers }, host }).init.headers["user-agent"]).toBe(expected)
    })
  })

  describe("URL", () => {
    it.each([
      [
        undefined,
        "https://api.anthropic.com/v1/messages?beta=true",
        "https://api.anthropic.com/v1/messages?beta=true",
      ],
      [
        "https://eu.gateway.example",
        "https://api.anthropic.com/v1/models?limit=2",
        "https://eu.gateway.example/v1/models?limit=2",
      ],
      ["http://127.0.0.1:4010", "https://api.anthropic.com/v1/messages", "http://127.0.0.1:4010/v1/messages"],
    ])("base %s + %s → %s", (baseUrl, url, expected) => {
      expect(build({ url, account: { baseUrl } }).url).toBe(expected)
    })

    it("accepts a URL object", () => {
      expect(build({ url: new URL("https://api.anthropic.com/v1/models") }).url).toBe(
        "https://api.anthropic.com/v1/models",
      )
    })
  })

  describe("body", () => {
    it("sends GET /v1/models without a body", () => {
      const out = build({ url: "https://api.anthropic.com/v1/models", init: { method: "GET" } })
      expect("body" in out.init).toBe(false)
      expect(out.init.method).toBe("GET")
    })

    it("passes a body with valid tool names through as the very same value", () => {
      const bytes = new TextEncoder().encode(opencodeBody)
      expect(build({ init: { body: bytes } }).init.body).toBe(bytes)
    })

    it("renames invalid tool names and returns the reverse map", () => {
      const body = JSON.stringify({
        tools: [{ name: "github.create_issue" }, { name: "bash" }],
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t", name: "github.create_issue" }] },
        ],
      })
      const out = build({ init: { method: "POST", body } })
      const sent = JSON.parse(out.init.body as string)
      expect(sent.tools[0].name).toMatch(/^github_create_issue_[0-9a-f]{8}$/)
      expect(sent.messages[0].content[0].name).toBe(sent.tools[0].name)
      expect(out.toolNames).toEqual(new Map([[sent.tools[0].name, "github.create_issue"]]))
    })
  })

  describe("options", () => {
    it.each([
      ["no options", undefined],
      ["a Request as url", { url: { url: "https://api.anthropic.com/v1/messages" }, credential: key }],
      ["a string init", { url: "https://api.anthropic.com", init: "POST", credential: key }],
      ["a null account", { url: "https://api.anthropic.com", account: null, credential: key }],
      ["a bad host", { url: "https://api.anthropic.com", credential: key, host: "a b" }],
      [
        "bad account betas",
        { url: "https://api.anthropic.com", credential: key, account: { betas: ["a b"] } },
      ],
      ["bad configured betas", { url: "https://api.anthropic.com", credential: key, betas: "a-1" }],
      ["no credential", { url: "https://api.anthropic.com" }],
    ])("rejects %s with ERR_REWRITE_INVALID_OPTIONS", (_, options) => {
      expect(() => buildOutgoingRequest(options as never)).toThrow(
        expect.objectContaining({ code: "ERR_REWRITE_INVALID_OPTIONS" }),
      )
    })

    it.each([
      [
        "an insecure base URL",
        { account: { baseUrl: "http://gateway.example" } },
        "ERR_REWRITE_INSECURE_BASE_URL",
      ],
      ["a malformed base URL", { account: { baseUrl: "gateway" } }, "ERR_REWRITE_INVALID_BASE_URL"],
      ["a malformed URL", { url: "http://[" }, "ERR_REWRITE_INVALID_URL"],
      ["an empty key", { credential: { type: "api-key", key: "" } }, "ERR_REWRITE_INVALID_CREDENTIAL"],
    ])("rejects %s with its code", (_, overrides, code) => {
      expect(() => build(overrides as never)).toThrow(expect.objectContaining({ code }))
    })
  })
})
