import { resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { TEST_UTILS_ERROR_CODES } from "../test-utils-error.ts"
import { buildOpencodeConfig, mergeConfig } from "./opencode-config.ts"

const base = { baseURL: "http://127.0.0.1:47801/v1", model: "anthropic/claude-sonnet-4-5" }

describe("buildOpencodeConfig", () => {
  it("points provider anthropic at the base URL and turns autoupdate and sharing off", () => {
    expect(buildOpencodeConfig(base)).toEqual({
      $schema: "https://opencode.ai/config.json",
      autoupdate: false,
      share: "disabled",
      model: "anthropic/claude-sonnet-4-5",
      provider: { anthropic: { options: { baseURL: "http://127.0.0.1:47801/v1" } } },
    })
  })

  it("lists plugins by absolute path, with [path, options] when options are given", () => {
    const config = buildOpencodeConfig({
      ...base,
      plugins: [
        "/abs/a.js",
        "rel/b.js",
        { path: "/abs/c.js", options: { strategy: "sticky" } },
        { path: "/abs/d.js" },
      ],
    })
    expect(config.plugin).toEqual([
      "/abs/a.js",
      resolve("rel/b.js"),
      ["/abs/c.js", { strategy: "sticky" }],
      "/abs/d.js",
    ])
  })

  it("keeps file:// plugin URLs as they are", () => {
    expect(buildOpencodeConfig({ ...base, plugins: ["file:///abs/p.ts"] }).plugin).toEqual([
      "file:///abs/p.ts",
    ])
  })

  it("refuses a plugin entry without a path", () => {
    expect(() => buildOpencodeConfig({ ...base, plugins: [{ path: "" }] })).toThrow(
      expect.objectContaining({ code: TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS }),
    )
  })

  it("merges extra config over the generated one without losing the base URL", () => {
    const config = buildOpencodeConfig({
      ...base,
      config: {
        provider: {
          anthropic: { models: { "claude-mock-1": { name: "Mock" } }, options: { timeout: 5000 } },
        },
        share: "manual",
      },
    })
    expect(config.share).toBe("manual")
    expect(config.provider).toEqual({
      anthropic: {
        options: { baseURL: "http://127.0.0.1:47801/v1", timeout: 5000 },
        models: { "claude-mock-1": { name: "Mock" } },
      },
    })
  })
})

describe("mergeConfig", () => {
  it("replaces arrays and values, merges plain objects, skips undefined and changes neither input", () => {
    const left = { a: [1, 2], b: { c: 1, d: { e: 1 } }, f: 1 }
    const right = { a: [3], b: { d: { g: 2 } }, f: undefined }
    expect(mergeConfig(left, right)).toEqual({ a: [3], b: { c: 1, d: { e: 1, g: 2 } }, f: 1 })
    expect(left).toEqual({ a: [1, 2], b: { c: 1, d: { e: 1 } }, f: 1 })
    expect(right).toEqual({ a: [3], b: { d: { g: 2 } }, f: undefined })
  })
})
