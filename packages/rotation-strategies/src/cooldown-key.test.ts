import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { candidateCooldownKeys, cooldownKey, groupKey, parseCooldownKey } from "./cooldown-key.ts"

describe("cooldownKey", () => {
  const known = {
    accountId: "acc_1",
    organizationId: "org-a",
    workspaceId: "wrkspc_1",
    modelClass: "opus-4.x",
  }
  const unknown = { accountId: "acc_1", modelClass: "opus-4.x" }

  it.each([
    ["group", known, "org:org-a|opus-4.x"],
    ["organization", known, "org:org-a"],
    ["workspace", known, "ws:wrkspc_1"],
    ["account-model", known, "acct:acc_1|opus-4.x"],
    ["account", known, "acct:acc_1"],
    ["group", unknown, "acct:acc_1|opus-4.x"],
    ["organization", unknown, "acct:acc_1"],
    ["workspace", unknown, "acct:acc_1"],
    ["group", { accountId: "acc_1", organizationId: "org-a" }, "org:org-a"],
  ] as const)("%s of %j → %s", (scope, target, key) => {
    expect(cooldownKey(scope, target)).toBe(key)
  })

  it("groupKey is the group scope of a candidate", () => {
    expect(groupKey({ id: "acc_1", organizationId: "org-a" }, "haiku-4.5")).toBe("org:org-a|haiku-4.5")
    expect(groupKey({ id: "acc_1" }, "haiku-4.5")).toBe("acct:acc_1|haiku-4.5")
  })

  it("candidateCooldownKeys lists every key that can gate an account", () => {
    expect(
      candidateCooldownKeys({ id: "acc_1", organizationId: "org-a", workspaceId: "ws1" }, "opus-4.x"),
    ).toEqual(["acct:acc_1", "acct:acc_1|opus-4.x", "org:org-a", "org:org-a|opus-4.x", "ws:ws1"])
    expect(candidateCooldownKeys({ id: "acc_1" }, "opus-4.x")).toEqual(["acct:acc_1", "acct:acc_1|opus-4.x"])
  })

  it("property: every key made parses back to its parts", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)
    fc.assert(
      fc.property(
        id,
        fc.option(id, { nil: undefined }),
        fc.option(id, { nil: undefined }),
        fc.stringMatching(/^[a-z0-9.:-]{1,20}$/),
        fc.constantFrom("group", "organization", "workspace", "account-model", "account"),
        (accountId, organizationId, workspaceId, modelClass, scope) => {
          const key = cooldownKey(scope, { accountId, organizationId, workspaceId, modelClass })
          const parsed = parseCooldownKey(key)
          expect(parsed).toBeDefined()
          expect([accountId, organizationId, workspaceId]).toContain(parsed!.id)
          if (scope === "group" || scope === "account-model") expect(parsed!.modelClass).toBe(modelClass)
        },
      ),
    )
  })

  it("parseCooldownKey ignores foreign keys", () => {
    for (const key of ["", "acct:", "team:x", "nothing", "org"]) expect(parseCooldownKey(key)).toBeUndefined()
    expect(parseCooldownKey("org:o|model:claude-x")).toEqual({
      kind: "org",
      id: "o",
      modelClass: "model:claude-x",
    })
  })
})
