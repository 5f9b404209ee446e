import { homedir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, vi } from "vitest"
import { enableCompileCache } from "./_compile-cache.ts"

describe("enableCompileCache", () => {
  it("asks for the cache in the user's own cache directory, never the shared temp directory", () => {
    const enable = vi.fn()
    const own = join("/home/me/.xdg-cache", "keyrelay", "compile-cache")
    expect(
      enableCompileCache({ XDG_CACHE_HOME: "/home/me/.xdg-cache" }, { enableCompileCache: enable }),
    ).toBe(own)
    expect(enable).toHaveBeenCalledWith(own)
    const fallback = join(homedir(), ".cache", "keyrelay", "compile-cache")
    expect(enableCompileCache({}, { enableCompileCache: enable })).toBe(fallback)
    // A relative XDG_CACHE_HOME is invalid (XDG base directory spec) and would follow the working directory.
    expect(enableCompileCache({ XDG_CACHE_HOME: "cache" }, { enableCompileCache: enable })).toBe(fallback)
    expect(enable).toHaveBeenCalledTimes(3)
  })

  it("does nothing on a Node without the cache (Node 20), and never fails a command for it", () => {
    expect(enableCompileCache({}, {})).toBeUndefined()
    const failing = () => {
      throw new Error("EACCES")
    }
    expect(() => enableCompileCache({}, { enableCompileCache: failing })).not.toThrow()
  })
})
