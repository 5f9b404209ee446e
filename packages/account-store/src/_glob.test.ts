import { describe, expect, it } from "vitest"
import { compileGlob } from "./_glob.ts"

describe("compileGlob", () => {
  const cases: [string, string, boolean][] = [
    ["/work/**", "/work", true],
    ["/work/**", "/work/a/b", true],
    ["/work/**", "/workshop", false],
    ["/work/*", "/work/a", true],
    ["/work/*", "/work/a/b", false],
    ["**/client-?", "/home/me/client-a", true],
    ["**/client-?", "/home/me/client-ab", false],
    ["/src/{acme,globex}/**", "/src/globex/app", true],
    ["/src/{acme,globex}/**", "/src/initech/app", false],
    ["claude-opus-*", "claude-opus-4-1", true],
    ["claude-opus-*", "claude-sonnet-4-5", false],
    ["a.b", "axb", false],
    ["~/work/**", "/home/me/work/x", true],
  ]
  it.each(cases)("%s against %s is %s", (pattern, value, expected) => {
    expect(compileGlob(pattern, "/home/me").test(value)).toBe(expected)
  })

  it("rejects an unbalanced brace", () => {
    expect(() => compileGlob("/a/{b,c")).toThrow()
  })
})
