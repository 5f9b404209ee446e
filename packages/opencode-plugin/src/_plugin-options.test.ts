import { describe, expect, it } from "vitest"
import { DEFAULT_DEBOUNCE_MS, resolvePluginSettings } from "./_plugin-options.ts"

const DIR = "/home/me/project"

describe("resolvePluginSettings", () => {
  it("gives the defaults when nothing is set", () => {
    expect(resolvePluginSettings(undefined, {}, DIR)).toEqual({
      settings: {
        home: undefined,
        strategy: undefined,
        waitBudgetMs: undefined,
        maxAttempts: undefined,
        quiet: undefined,
        debounceMs: DEFAULT_DEBOUNCE_MS,
        disabled: false,
      },
      warnings: [],
    })
  })

  it("takes opencode.json options, and KEYRELAY_* variables over them", () => {
    const options = { home: "/a", strategy: "round-robin", quiet: false, debounceMs: 10, maxAttempts: 2 }
    const env = { KEYRELAY_HOME: "/b", KEYRELAY_QUIET: "yes", KEYRELAY_WAIT_BUDGET_MS: "2500" }
    const { settings, warnings } = resolvePluginSettings(options, env, DIR)
    expect(warnings).toEqual([])
    expect(settings).toMatchObject({
      home: "/b",
      strategy: "round-robin",
      quiet: true,
      debounceMs: 10,
      maxAttempts: 2,
      waitBudgetMs: 2500,
    })
  })

  it("reads the spellings of a boolean variable people use", () => {
    for (const [text, value] of [
      ["1", true],
      ["TRUE", true],
      ["on", true],
      ["0", false],
      ["no", false],
      ["Off", false],
    ] as const)
      expect(resolvePluginSettings({}, { KEYRELAY_DISABLED: text }, DIR).settings.disabled).toBe(value)
  })

  it("anchors a relative home at the project directory", () => {
    expect(resolvePluginSettings({ home: ".keyrelay" }, {}, DIR).settings.home).toBe(
      "/home/me/project/.keyrelay",
    )
  })

  it("ignores a bad variable with a warning that says what to fix, and falls back to opencode.json", () => {
    const { settings, warnings } = resolvePluginSettings(
      { strategy: "sticky" },
      { KEYRELAY_STRATEGY: "fastest", KEYRELAY_DEBOUNCE_MS: "-5" },
      DIR,
    )
    expect(settings.strategy).toBe("sticky")
    expect(settings.debounceMs).toBe(DEFAULT_DEBOUNCE_MS)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/KEYRELAY_STRATEGY must be one of .*sticky.* \(got "fastest"\)/)
    expect(warnings[1]).toMatch(/KEYRELAY_DEBOUNCE_MS must be a whole number of milliseconds/)
  })

  it("ignores bad and unknown opencode.json options with warnings, never throwing", () => {
    const { settings, warnings } = resolvePluginSettings(
      { quiet: "yes", maxAttempts: 0, waitBudgetMs: 1.5, colour: "blue" },
      {},
      DIR,
    )
    expect(settings.quiet).toBeUndefined()
    expect(settings.maxAttempts).toBeUndefined()
    expect(settings.waitBudgetMs).toBeUndefined()
    expect(warnings.join("\n")).toContain('unknown plugin option "colour"')
    expect(warnings.join("\n")).toContain('"quiet" in opencode.json must be true or false (got "yes")')
    expect(warnings.join("\n")).toContain(
      '"maxAttempts" in opencode.json must be a whole number, 1 or more (got 0)',
    )
    expect(warnings).toHaveLength(4)
  })

  it("says so when the options are not an object", () => {
    const { warnings } = resolvePluginSettings("quiet", {}, DIR)
    expect(warnings[0]).toMatch(/must be an object/)
  })

  it("never repeats a value that looks like a key in a warning", () => {
    const { warnings } = resolvePluginSettings({ strategy: "sk-ant-api03-test-oops" }, {}, DIR)
    expect(warnings[0]).not.toContain("sk-ant-api03")
    expect(warnings[0]).toContain("a value that looks like an API key")
  })
})
