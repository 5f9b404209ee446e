/**
 * The pattern the Messages API requires of a tool name.
 *
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/define-tools (tool `name`)
 */
export const TOOL_NAME_PATTERN: RegExp = /^[a-zA-Z0-9_-]{1,64}$/

const INVALID_CHAR = /[^a-zA-Z0-9_-]/g
const MAX_LENGTH = 64
const HASH_LENGTH = 8
// Room left for the readable part: 64 minus "_" minus the hash.
const STEM_LENGTH = MAX_LENGTH - 1 - HASH_LENGTH

/**
 * Whether `name` is a tool name the Messages API accepts (`^[a-zA-Z0-9_-]{1,64}$`).
 *
 * @example
 * isValidToolName("github_create_issue") // true
 * isValidToolName("github.create_issue") // false
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/define-tools (tool `name`)
 */
export function isValidToolName(name: string): boolean {
  return TOOL_NAME_PATTERN.test(name)
}

/**
 * Valid, collision-free, deterministic replacements for the invalid names among `names`: every character outside
 * `[a-zA-Z0-9_-]` becomes `_`, the result is cut to 55 characters, and `_` plus 8 hex digits of the FNV-1a hash of
 * the original name is appended (so `github.create_issue` becomes `github_create_issue_<hash>`).
 *
 * A replacement depends only on the original name, so the same tool gets the same name on every request and prompt
 * caching keeps working. Only when a replacement would collide with a valid name in `names` or with another
 * replacement is the hash salted with a counter; invalid names are processed in sorted order, so the result depends
 * only on the set of names, never on their order. Valid names are never in the returned map.
 *
 * @param names every tool name of one request, valid and invalid, in any order (duplicates are fine).
 * @returns a map from each invalid original name to its replacement.
 * @example
 * sanitizeToolNames(["read", "github.create_issue"])
 * // Map { "github.create_issue" => "github_create_issue_1b2c3d4e" } (the hash shown is illustrative)
 */
export function sanitizeToolNames(names: Iterable<string>): Map<string, string> {
  const taken = new Set<string>()
  const invalid = new Set<string>()
  for (const name of names) {
    if (isValidToolName(name)) taken.add(name)
    else invalid.add(name)
  }
  const result = new Map<string, string>()
  for (const name of [...invalid].sort(compareCodeUnits)) {
    let candidate = sanitizedCandidate(name, 0)
    for (let attempt = 1; taken.has(candidate); attempt++) candidate = sanitizedCandidate(name, attempt)
    taken.add(candidate)
    result.set(name, candidate)
  }
  return result
}

function sanitizedCandidate(name: string, attempt: number): string {
  const stem = name.replace(INVALID_CHAR, "_").slice(0, STEM_LENGTH)
  const hash = fnv1a32(attempt === 0 ? name : `${name}\u0000${attempt}`)
  return `${stem}_${hash.toString(16).padStart(HASH_LENGTH, "0")}`
}

// FNV-1a, 32 bits, over UTF-16 code units: tiny, fast, and stable across runtimes and releases.
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
