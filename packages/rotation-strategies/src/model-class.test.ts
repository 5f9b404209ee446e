import { describe, expect, it } from "vitest"
import { DEFAULT_MODEL_CLASSES, extendModelClasses, fastModeClass, modelClassOf } from "./model-class.ts"
import { isRotationError } from "./rotation-error.ts"

describe("modelClassOf", () => {
  // The buckets of reference §3 "How limits are scoped".
  it.each([
    ["claude-fable-5-1", "fable-5.x"],
    ["claude-fable-5", "fable-5.x"],
    ["claude-mythos-5-1", "mythos-5.x"],
    ["claude-mythos-5", "mythos-5.x"],
    ["claude-opus-5-5", "opus-5.5"],
    ["claude-opus-5", "opus-5"],
    ["claude-opus-4-8", "opus-4.x"],
    ["claude-opus-4-7", "opus-4.x"],
    ["claude-opus-4-6", "opus-4.x"],
    ["claude-opus-4-5", "opus-4.x"],
    ["claude-opus-4-5-20251101", "opus-4.x"],
    ["claude-sonnet-5-5", "sonnet-5.5"],
    ["claude-sonnet-5", "sonnet-5"],
    ["claude-sonnet-4-6", "sonnet-4.x"],
    ["claude-sonnet-4-5", "sonnet-4.x"],
    ["claude-sonnet-4-5-20250929", "sonnet-4.x"],
    ["claude-haiku-5-5", "haiku-5.5"],
    ["claude-haiku-4-5", "haiku-4.5"],
    ["claude-haiku-4-5-20251001", "haiku-4.5"],
    ["  Claude-Haiku-4-5  ", "haiku-4.5"],
  ])("%s → %s", (id, modelClass) => {
    expect(modelClassOf(id)).toBe(modelClass)
  })

  it("never confuses a model with the one whose id is its prefix", () => {
    expect(modelClassOf("claude-opus-5")).not.toBe(modelClassOf("claude-opus-5-5"))
    expect(modelClassOf("claude-sonnet-5")).not.toBe(modelClassOf("claude-sonnet-5-5"))
  })

  it("gives an unknown id its own bucket, shared by its dated snapshots", () => {
    expect(modelClassOf("claude-next-1")).toBe("model:claude-next-1")
    expect(modelClassOf("claude-next-1-20270101")).toBe("model:claude-next-1")
    expect(modelClassOf("claude-opus-4-1")).toBe("model:claude-opus-4-1")
  })

  it("takes a table the user extended or overrode", () => {
    const table = extendModelClasses({ "claude-opus-6": "opus-6", "Claude-Haiku-4-5": "my-haiku" })
    expect(modelClassOf("claude-opus-6-20270101", table)).toBe("opus-6")
    expect(modelClassOf("claude-haiku-4-5", table)).toBe("my-haiku")
    expect(modelClassOf("claude-sonnet-4-5", table)).toBe("sonnet-4.x")
    expect(DEFAULT_MODEL_CLASSES["claude-haiku-4-5"]).toBe("haiku-4.5")
    expect(Object.isFrozen(table)).toBe(true)
  })

  it("lets a dated id be mapped on its own", () => {
    const table = extendModelClasses({ "claude-sonnet-4-5-20250929": "pinned-snapshot" })
    expect(modelClassOf("claude-sonnet-4-5-20250929", table)).toBe("pinned-snapshot")
    expect(modelClassOf("claude-sonnet-4-5", table)).toBe("sonnet-4.x")
  })

  it("rejects a class that would break cooldown keys", () => {
    for (const bad of ["", "a|b", 7]) {
      let thrown: unknown
      try {
        extendModelClasses({ "claude-x": bad as string })
      } catch (error) {
        thrown = error
      }
      expect(isRotationError(thrown) && thrown.code).toBe("ERR_ROTATION_INVALID_OPTIONS")
    }
  })

  it("ignores inherited names", () => {
    expect(modelClassOf("constructor")).toBe("model:constructor")
    expect(modelClassOf("__proto__")).toBe("model:__proto__")
  })
})

describe("fastModeClass", () => {
  it("keys fast mode apart from standard traffic, once", () => {
    expect(fastModeClass("opus-4.x")).toBe("fast:opus-4.x")
    expect(fastModeClass(fastModeClass("opus-4.x"))).toBe("fast:opus-4.x")
  })
})
