import { describe, expect, it } from "vitest"
import { findMockModel, MOCK_MODELS, modelClassOf, modelMatches } from "./model-catalogue.ts"

describe("modelClassOf", () => {
  it.each([
    ["claude-sonnet-4-5", "sonnet-4"],
    ["claude-sonnet-4-5-20250929", "sonnet-4"],
    ["claude-sonnet-4-6", "sonnet-4"],
    ["claude-opus-4-5", "opus-4"],
    ["claude-opus-4-8", "opus-4"],
    ["claude-opus-4-9", "opus-4"],
    ["claude-haiku-4-5-20251001", "haiku-4-5"],
    ["claude-haiku-4-5", "haiku-4-5"],
    ["claude-fable-5", "fable-5"],
    ["claude-fable-5-1", "fable-5"],
    ["claude-opus-5", "opus-5"],
    ["claude-opus-5-5", "opus-5-5"],
    ["claude-sonnet-5-5", "sonnet-5-5"],
    ["claude-haiku-5-5", "haiku-5-5"],
    ["claude-mythos-5", "mythos-5"],
  ])("%s is in class %s", (id, cls) => {
    expect(modelClassOf(id)).toBe(cls)
  })

  it("puts an unknown model in a class of its own", () => {
    expect(modelClassOf("claude-mock-1")).toBe("model:claude-mock-1")
    expect(modelClassOf("gpt-x")).not.toBe(modelClassOf("claude-mock-1"))
  })
})

describe("the catalogue", () => {
  it("lists every id OpenCode's catalogue sends, each exactly once", () => {
    const ids = MOCK_MODELS.map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of [
      "claude-sonnet-4-5",
      "claude-sonnet-4-5-20250929",
      "claude-haiku-4-5-20251001",
      "claude-opus-4-5",
      "claude-opus-4-6",
      "claude-opus-4-7",
      "claude-opus-4-8",
      "claude-sonnet-4-6",
      "claude-sonnet-5",
      "claude-opus-5",
      "claude-opus-5-5",
      "claude-sonnet-5-5",
      "claude-haiku-5-5",
    ]) {
      expect(findMockModel(id), id).toBeDefined()
    }
  })

  it("matches a model by id, alias or class:", () => {
    expect(modelMatches("claude-sonnet-4-5", "claude-sonnet-4-5-20250929")).toBe(true)
    expect(modelMatches("class:opus-4", "claude-opus-4-7")).toBe(true)
    expect(modelMatches("class:opus-4", "claude-sonnet-4-6")).toBe(false)
    expect(modelMatches("claude-opus-5", "claude-opus-5-5")).toBe(false)
  })
})
