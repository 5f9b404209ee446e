import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isValidToolName, sanitizeToolNames, TOOL_NAME_PATTERN } from "./tool-name.ts"

// Names that occur in practice (MCP servers, OpenAI-style namespacing) plus the edges of the pattern.
const invalidNames = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom("", "a.b", "a:b", "a b", "a/b", "é", "🙂", "x".repeat(65), "a_b_".repeat(30)),
)
const validNames = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/)
const anyNames = fc.array(fc.oneof(invalidNames, validNames), { maxLength: 40 })

describe("isValidToolName", () => {
  it.each([
    ["bash", true],
    ["todowrite", true],
    ["mcp__github__create_issue", true],
    ["A-z_09", true],
    ["x".repeat(64), true],
    ["x".repeat(65), false],
    ["", false],
    ["github.create_issue", false],
    ["server:tool", false],
    ["with space", false],
    ["ünïcode", false],
    ["new\nline", false],
  ])("%j → %s", (name, valid) => {
    expect(isValidToolName(name)).toBe(valid)
    expect(TOOL_NAME_PATTERN.test(name)).toBe(valid)
  })
})

describe("sanitizeToolNames", () => {
  it("never touches valid names and returns them nowhere in the map", () => {
    const map = sanitizeToolNames(["read", "bash", "github.create_issue"])
    expect([...map.keys()]).toEqual(["github.create_issue"])
  })

  it.each([
    ["github.create_issue", /^github_create_issue_[0-9a-f]{8}$/],
    ["server:tool name", /^server_tool_name_[0-9a-f]{8}$/],
    ["", /^_[0-9a-f]{8}$/],
    ["é", /^__[0-9a-f]{8}$/],
    ["x".repeat(100), new RegExp(`^${"x".repeat(55)}_[0-9a-f]{8}$`)],
  ])("makes %j readable and valid", (name, shape) => {
    const sanitized = sanitizeToolNames([name]).get(name)
    expect(sanitized).toMatch(shape)
    expect(isValidToolName(sanitized as string)).toBe(true)
  })

  it("keeps the same name across requests: it depends only on the original name", () => {
    const alone = sanitizeToolNames(["a.b"]).get("a.b")
    const withOthers = sanitizeToolNames(["z.z", "read", "a.b", "a:b", "c.d"]).get("a.b")
    expect(withOthers).toBe(alone)
    // A stable vector: changing the scheme would change every renamed tool and break users' prompt caches.
    expect(alone).toBe("a_b_108bf50c")
  })

  it("steps around a valid name that happens to equal the first choice", () => {
    const first = sanitizeToolNames(["a.b"]).get("a.b") as string
    const map = sanitizeToolNames(["a.b", first])
    expect(map.get("a.b")).not.toBe(first)
    expect(isValidToolName(map.get("a.b") as string)).toBe(true)
  })

  it("property: every replacement is valid, distinct, and distinct from every valid name present", () => {
    fc.assert(
      fc.property(anyNames, (names) => {
        const map = sanitizeToolNames(names)
        const valid = new Set(names.filter(isValidToolName))
        const invalid = new Set(names.filter((n) => !isValidToolName(n)))
        expect(new Set(map.keys())).toEqual(invalid)
        const replacements = [...map.values()]
        expect(new Set(replacements).size).toBe(replacements.length)
        for (const r of replacements) {
          expect(isValidToolName(r)).toBe(true)
          expect(valid.has(r)).toBe(false)
        }
      }),
      { numRuns: 500 },
    )
  })

  it("property: the reverse map restores every original name", () => {
    fc.assert(
      fc.property(anyNames, (names) => {
        const map = sanitizeToolNames(names)
        const reverse = new Map([...map].map(([original, sanitized]) => [sanitized, original]))
        for (const name of names) {
          const sent = map.get(name) ?? name
          expect(reverse.get(sent) ?? sent).toBe(name)
        }
      }),
      { numRuns: 500 },
    )
  })

  it("property: deterministic and independent of order and duplicates", () => {
    fc.assert(
      fc.property(anyNames, fc.infiniteStream(fc.nat()), (names, seeds) => {
        const shuffled = [...names, ...names.slice(0, 3)]
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = seeds.next().value % (i + 1)
          ;[shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string]
        }
        expect(sanitizeToolNames(shuffled)).toEqual(sanitizeToolNames(names))
      }),
      { numRuns: 300 },
    )
  })

  it("property: even adversarial sets that contain the first choices stay collision-free", () => {
    fc.assert(
      fc.property(fc.array(invalidNames, { minLength: 1, maxLength: 10 }), (invalid) => {
        const firstChoices = [...sanitizeToolNames(invalid).values()]
        const map = sanitizeToolNames([...invalid, ...firstChoices])
        const replacements = [...map.values()]
        expect(new Set(replacements).size).toBe(replacements.length)
        for (const r of replacements) expect(firstChoices).not.toContain(r)
      }),
      { numRuns: 200 },
    )
  })
})
