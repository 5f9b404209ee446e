import { afterEach, describe, expect, it, vi } from "vitest"
import { BLOCKED_NPM_REGISTRY, buildOpencodeEnv } from "./opencode-env.ts"
import { sandboxPaths } from "./opencode-sandbox.ts"

const sandbox = sandboxPaths("/sb")

describe("buildOpencodeEnv", () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it("puts every OpenCode path inside the sandbox", () => {
    const env = buildOpencodeEnv({ sandbox, path: "/usr/bin" })
    expect(env).toMatchObject({
      PATH: "/usr/bin",
      HOME: "/sb/home",
      XDG_CONFIG_HOME: "/sb/home/.config",
      XDG_DATA_HOME: "/sb/home/.local/share",
      XDG_STATE_HOME: "/sb/home/.local/state",
      XDG_CACHE_HOME: "/sb/home/.cache",
      TMPDIR: "/sb/tmp",
    })
  })

  it("switches off OpenCode's downloads and points npm at a dead loopback port without retries", () => {
    const env = buildOpencodeEnv({ sandbox })
    expect(env).toMatchObject({
      OPENCODE_DISABLE_AUTOUPDATE: "1",
      OPENCODE_DISABLE_MODELS_FETCH: "1",
      OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
      OPENCODE_DISABLE_SHARE: "1",
      npm_config_registry: BLOCKED_NPM_REGISTRY,
      npm_config_fetch_retries: "0",
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    })
    expect(new URL(BLOCKED_NPM_REGISTRY).hostname).toBe("127.0.0.1")
  })

  it("starts from nothing: no proxy, API key, OpenCode setting or NODE_OPTIONS of this process leaks in", () => {
    vi.stubEnv("HTTPS_PROXY", "http://proxy.invalid:3128")
    vi.stubEnv("http_proxy", "http://proxy.invalid:3128")
    vi.stubEnv("ALL_PROXY", "socks5://proxy.invalid:1080")
    vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-api03-test-leak")
    vi.stubEnv("OPENCODE_CONFIG_CONTENT", "{}")
    vi.stubEnv("NODE_OPTIONS", "--require /nope.js")
    const env = buildOpencodeEnv({ sandbox })
    for (const name of Object.keys(env)) {
      expect(name).not.toMatch(/^(https?|all|ftp)_proxy$/i)
      expect(name).not.toMatch(/^(ANTHROPIC_|NODE_OPTIONS$|OPENCODE_CONFIG)/)
    }
  })

  it("passes auth content and extra variables, the extras last", () => {
    const env = buildOpencodeEnv({
      sandbox,
      authContent: '{"anthropic":{"type":"api","key":"sk-ant-api03-test-x"}}',
      env: { KEYRELAY_HOME: "/sb/keyrelay", OPENCODE_DISABLE_SHARE: "0" },
    })
    expect(env.OPENCODE_AUTH_CONTENT).toBe('{"anthropic":{"type":"api","key":"sk-ant-api03-test-x"}}')
    expect(env.KEYRELAY_HOME).toBe("/sb/keyrelay")
    expect(env.OPENCODE_DISABLE_SHARE).toBe("0")
    expect(buildOpencodeEnv({ sandbox })).not.toHaveProperty("OPENCODE_AUTH_CONTENT")
  })
})
