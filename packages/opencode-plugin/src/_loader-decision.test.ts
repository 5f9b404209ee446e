import { OPENCODE_AUTH_MARKER_KEY } from "@keyrelay/pool-fetch/opencode-auth-marker"
import { describe, expect, it } from "vitest"
import { decideLoader } from "./_loader-decision.ts"

const marker = { type: "api", key: OPENCODE_AUTH_MARKER_KEY }
const ownKey = { type: "api", key: "sk-ant-api03-test-opencode-own" }
const oauth = { type: "oauth", refresh: "r", access: "a", expires: 0 }

describe("decideLoader", () => {
  it("serves through the pool when OpenCode holds keyrelay's marker and the pool can serve", () => {
    expect(decideLoader(marker, true)).toEqual({ usePool: true })
  })

  it("still serves through the pool with the marker and no usable account, and says what to do", () => {
    const decision = decideLoader(marker, false)
    expect(decision.usePool).toBe(true)
    expect(decision.notice?.level).toBe("error")
    expect(decision.notice?.message).toContain("keyrelay add")
  })

  it("lets a usable pool serve over OpenCode's own credential, and says so", () => {
    for (const entry of [ownKey, oauth]) {
      const decision = decideLoader(entry, true)
      expect(decision.usePool).toBe(true)
      expect(decision.notice?.level).toBe("info")
    }
  })

  it("leaves OpenCode alone with its own credential and no usable account", () => {
    for (const entry of [ownKey, oauth, undefined]) {
      const decision = decideLoader(entry, false)
      expect(decision.usePool).toBe(false)
      expect(decision.notice).toBeUndefined()
    }
  })

  it("never mistakes a key of OpenCode's own, or another entry type, for the marker", () => {
    expect(decideLoader({ type: "oauth", key: OPENCODE_AUTH_MARKER_KEY }, false).usePool).toBe(false)
    expect(decideLoader({ type: "api", key: `${OPENCODE_AUTH_MARKER_KEY} ` }, false).usePool).toBe(false)
  })
})
