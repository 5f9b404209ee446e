import { describe, expect, it } from "vitest"
import { checkBetas, mergeBetas } from "./_betas.ts"

describe("mergeBetas", () => {
  it.each([
    [[["a-1,b-2"], ["c-3"], ["d-4"]], "a-1,b-2,c-3,d-4"],
    [[[" a-1 , b-2 ,, "], ["b-2", "a-1"], ["c-3"]], "a-1,b-2,c-3"],
    [[["a-1, b-2"], [], ["a-1"]], "a-1,b-2"],
    [[[], [], []], ""],
    [[[""], [], []], ""],
  ])("%j → %j", (lists, expected) => {
    expect(mergeBetas(lists)).toBe(expected)
  })
})

describe("checkBetas", () => {
  it("accepts beta names and treats absent as none", () => {
    expect(checkBetas(["context-1m-2025-08-07"], "account's")).toEqual(["context-1m-2025-08-07"])
    expect(checkBetas(undefined, "account's")).toEqual([])
  })

  it.each([["a,b"], ["with space"], [""], [7], ["x\ny"]])("rejects %j by position, never by value", (bad) => {
    expect(() => checkBetas(["ok-1", bad], "configured")).toThrow(
      expect.objectContaining({
        code: "ERR_REWRITE_INVALID_OPTIONS",
        message: expect.stringMatching(/^Entry 1 of the configured betas/),
      }),
    )
  })

  it("rejects a list that is not an array", () => {
    expect(() => checkBetas("a-1", "account's")).toThrow(
      expect.objectContaining({ code: "ERR_REWRITE_INVALID_OPTIONS" }),
    )
  })
})
