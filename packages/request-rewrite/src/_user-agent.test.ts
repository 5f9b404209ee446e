import { describe, expect, it } from "vitest"
import { checkHost, userAgent } from "./_user-agent.ts"
import { VERSION } from "./version.ts"

const kr = `keyrelay/${VERSION}`
const opencode = "opencode/1.18.33 ai-sdk/provider-utils/4.0.46 runtime/bun/1.3.14"

describe("userAgent", () => {
  it.each([
    [opencode, undefined, `${opencode} ${kr}`],
    [opencode, "opencode", `${opencode} ${kr}`],
    [opencode, "OpenCode/1.18.33", `${opencode} ${kr}`],
    ["Anthropic/JS 0.60.0", "opencode", `Anthropic/JS 0.60.0 opencode ${kr}`],
    ["", "opencode", `opencode ${kr}`],
    [undefined, "opencode/1.18.33", `opencode/1.18.33 ${kr}`],
    [undefined, undefined, kr],
    ["   ", undefined, kr],
    [`curl/8.0 ${kr}`, undefined, `curl/8.0 ${kr}`],
    [undefined, "keyrelay/1.2.0", "keyrelay/1.2.0"],
  ])("%j with host %j → %j", (caller, host, expected) => {
    expect(userAgent(caller, host)).toBe(expected)
  })

  it("never drops any part of the caller's own identity", () => {
    const caller = "Mozilla/5.0 (X11; Linux x86_64) some-client/2"
    expect(userAgent(caller, "opencode").startsWith(caller)).toBe(true)
  })
})

describe("checkHost", () => {
  it.each(["opencode", "opencode/1.18.33", "my_app/2.0-rc.1"])("accepts %j", (host) => {
    expect(checkHost(host)).toBe(host)
  })

  it.each(["", "open code", "a/b/c", "opencode\r\nx-api-key: 1", 42])("rejects %j", (host) => {
    expect(() => checkHost(host)).toThrow(expect.objectContaining({ code: "ERR_REWRITE_INVALID_OPTIONS" }))
  })
})
