import { describe, expect, it } from "vitest"
import {
  isOpencodeAuthMarker,
  OPENCODE_AUTH_MARKER,
  OPENCODE_AUTH_MARKER_KEY,
} from "./opencode-auth-marker.ts"

describe("the OpenCode auth marker", () => {
  it("is exactly what OpenCode's auth.json holds for keyrelay, frozen, and no key", () => {
    // Users' auth.json files already hold this value: it can never change.
    expect(JSON.stringify({ anthropic: OPENCODE_AUTH_MARKER })).toBe(
      '{"anthropic":{"type":"api","key":"keyrelay-managed"}}',
    )
    expect(OPENCODE_AUTH_MARKER.key).toBe(OPENCODE_AUTH_MARKER_KEY)
    expect(Object.isFrozen(OPENCODE_AUTH_MARKER)).toBe(true)
    expect(OPENCODE_AUTH_MARKER_KEY).not.toMatch(/^sk-ant-/)
  })

  it("recognises the marker entry and nothing looser", () => {
    expect(isOpencodeAuthMarker({ type: "api", key: "keyrelay-managed" })).toBe(true)
    expect(isOpencodeAuthMarker({ ...OPENCODE_AUTH_MARKER, extra: 1 })).toBe(true)
    for (const entry of [
      undefined,
      null,
      { type: "api", key: "sk-ant-api03-test-marker-aaaaaaaaaaaaaaaa" },
      { type: "oauth", key: "keyrelay-managed" },
      { type: "api", key: "keyrelay-managed " },
      { type: "api", key: "KEYRELAY-MANAGED" },
      { type: "api" },
      { key: "keyrelay-managed" },
    ])
      expect(isOpencodeAuthMarker(entry)).toBe(false)
  })
})
