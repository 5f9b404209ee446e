import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { refuseSecretsInArgv } from "./_secret-guard.ts"
import { isCliError } from "./cli-error.ts"

function refusal(argv: string[]) {
  try {
    refuseSecretsInArgv(argv)
    return undefined
  } catch (error) {
    return error
  }
}

describe("refuseSecretsInArgv", () => {
  it("refuses any argument holding an Anthropic key or token, wherever it sits, without echoing it", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .string({ maxLength: 12 })
            .filter(
              (s) =>
                !/sk-ant-|^--?(key|token|secret|password|api-key|apikey|bearer|access-token|x-api-key)/i.test(
                  s,
                ),
            ),
          { maxLength: 5 },
        ),
        fc.constantFrom("sk-ant-api03-", "sk-ant-oat01-", "sk-ant-admin01-", "SK-ANT-API03-"),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
        fc.constantFrom("", "--home=", "x="),
        fc.nat(5),
        (args, prefix, rest, lead, at) => {
          const secret = `${prefix}${rest}`
          const argv = [...args]
          argv.splice(Math.min(at, argv.length), 0, `${lead}${secret}`)
          const error = refusal(argv)
          expect(isCliError(error) && error.code === "ERR_CLI_SECRET_IN_ARGV" && error.exitCode === 2).toBe(
            true,
          )
          // The message does not depend on the secret's value: it names the argument, never echoes it.
          const other = [...argv]
          other[argv.indexOf(`${lead}${secret}`)] = `${lead}sk-ant-api03-OTHER000`
          expect((error as Error).message).toBe((refusal(other) as Error).message)
        },
      ),
    )
  })

  it("refuses options named for secrets, and lets ordinary command lines through", () => {
    for (const argv of [["--key", "x"], ["--api-key=x"], ["-token", "x"], ["--password"]]) {
      expect(isCliError(refusal(argv))).toBe(true)
    }
    for (const argv of [
      ["add", "work", "--key-stdin"],
      ["add", "ci", "--env", "ANTHROPIC_API_KEY"],
      ["list", "--json"],
    ]) {
      expect(refusal(argv)).toBeUndefined()
    }
  })
})
