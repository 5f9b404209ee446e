import { describe, expect, it } from "vitest"
import { readHeaders } from "./_read-headers.ts"

const expected = new Map([
  ["content-type", "application/json"],
  ["x-api-key", ""],
  ["anthropic-beta", "a-1, b-2"],
])

describe("readHeaders", () => {
  it.each([
    [
      "a plain object",
      { "Content-Type": "application/json", "X-Api-Key": "", "anthropic-beta": ["a-1", "b-2"] },
    ],
    [
      "an array of pairs",
      [
        ["Content-Type", "application/json"],
        ["x-api-key", ""],
        ["Anthropic-Beta", "a-1"],
        ["anthropic-beta", "b-2"],
      ],
    ],
    [
      "a Headers",
      new Headers([
        ["content-type", "application/json"],
        ["x-api-key", ""],
        ["anthropic-beta", "a-1"],
        ["anthropic-beta", "b-2"],
      ]),
    ],
  ])("reads %s with lowercased names and repeated names joined", (_, headers) => {
    expect(readHeaders(headers)).toEqual(expected)
  })

  it("drops undefined and null values and reads nothing from absent headers", () => {
    expect(readHeaders({ a: undefined, b: null, c: "1" })).toEqual(new Map([["c", "1"]]))
    expect(readHeaders(undefined).size).toBe(0)
    expect(readHeaders(null).size).toBe(0)
    expect(readHeaders("x-api-key: 1").size).toBe(0)
  })

  it("reads a Headers-like object from another runtime by its forEach", () => {
    const foreign = {
      get: () => null,
      forEach(cb: (value: string, name: string) => void) {
        cb("1", "X-Custom")
      },
    }
    expect(readHeaders(foreign)).toEqual(new Map([["x-custom", "1"]]))
  })
})
