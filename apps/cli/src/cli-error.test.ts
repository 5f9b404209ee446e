import { describe, expect, it } from "vitest"
import { describeError } from "./_describe-error.ts"
import { CLI_ERROR_CODES, CliError, isCliError } from "./cli-error.ts"

describe("CliError", () => {
  it("is recognised without instanceof, and exits 2 only for usage errors", () => {
    const usage = new CliError(CLI_ERROR_CODES.USAGE, "bad")
    const failure = new CliError(CLI_ERROR_CODES.IMPORT_INVALID, "bad")
    expect(isCliError({ ...usage, [Symbol.for("keyrelay.error.CliError")]: true })).toBe(true)
    expect(isCliError(new Error("x"))).toBe(false)
    expect([
      usage.exitCode,
      failure.exitCode,
      new CliError(CLI_ERROR_CODES.NOT_INTERACTIVE, "x").exitCode,
    ]).toEqual([2, 1, 2])
  })

  it("describes any error without a key in it", () => {
    const leaky = new Error("upstream said: sk-ant-api03-test-leak-000000000000000000abcd is bad")
    const described = describeError(leaky)
    expect(described).toEqual({
      code: "ERR_CLI_UNEXPECTED",
      message: expect.stringContaining("sk-ant-…abcd"),
      exitCode: 1,
    })
    expect(described.message).not.toContain("test-leak")
    const storeLike = Object.assign(new Error("held"), {
      code: "ERR_STORE_LOCK_TIMEOUT",
      [Symbol.for("keyrelay.error.AccountStoreError")]: true,
    })
    expect(describeError(storeLike)).toEqual({ code: "ERR_STORE_LOCK_TIMEOUT", message: "held", exitCode: 1 })
  })
})
