import { describe, expect, it } from "vitest"
import { TEST_UTILS_ERROR_CODES } from "../test-utils-error.ts"
import { buildOpencodeRunArgs } from "./opencode-run-args.ts"

const base = { model: "anthropic/claude-sonnet-4-5", logLevel: "INFO" as const }

describe("buildOpencodeRunArgs", () => {
  it("passes the prompt as separate words after --, with logs on stderr and the model", () => {
    expect(buildOpencodeRunArgs({ ...base, prompt: "  say\thi\n  there " })).toEqual([
      "run",
      "--print-logs",
      "--log-level",
      "INFO",
      "--model",
      "anthropic/claude-sonnet-4-5",
      "--",
      "say",
      "hi",
      "there",
    ])
  })

  it("splits array prompts into words too, so no argument holds a space", () => {
    const args = buildOpencodeRunArgs({ ...base, prompt: ["say hi", "-v", "now"] })
    expect(args.slice(args.indexOf("--") + 1)).toEqual(["say", "hi", "-v", "now"])
    expect(args.some((a) => /\s/.test(a))).toBe(false)
  })

  it("adds --title and extra arguments before the prompt", () => {
    const args = buildOpencodeRunArgs({ ...base, prompt: "hi", title: "t", args: ["--format", "json"] })
    expect(args.slice(6)).toEqual(["--title", "t", "--format", "json", "--", "hi"])
  })

  it.each(["", "   ", []])("refuses an empty prompt (%j)", (prompt) => {
    expect(() => buildOpencodeRunArgs({ ...base, prompt })).toThrow(
      expect.objectContaining({ code: TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS }),
    )
  })
})
