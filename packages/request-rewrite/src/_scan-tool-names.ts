// The cheap test that keeps the hot path free of JSON.parse. Its answer is conservative: `false` means no tool
// name in the body is invalid (a full parse would rename nothing), `true` means one might be, or the text is not
// JSON we understand; then the caller parses and decides. Two passes, cheapest first:
//
// 1. Key search: one native regex sweep finds every literal "name" and "tool_name" key (a quote preceded by an
//    even run of backslashes is a delimiter, so the match is a real key, not text inside a string) and checks its
//    string value. If all are valid, the body is clean. A key spelled with \u escapes would hide from the sweep, so
//    any escaped printable ASCII character (\u0020-\u007f, which JSON.stringify never writes) ends pass 1.
// 2. Structure walk, only where a tool name can be (a superset of _tool-name-sites.ts):
//      tools[*].name   tool_choice.name   messages[*].content[*].name
//      messages[*].content[*].content[*].tool_name   messages[*].content[*].content.tool_references[*].tool_name
//    Everything else is skipped by bracket matching (_json-skip.ts). This clears bodies
//    whose tool inputs or schemas hold "name" keys with free text, which pass 1 cannot tell from tool names.

import {
  BACKSLASH,
  COLON,
  type ElementVisitor,
  isEscaped,
  type MemberVisitor,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  readString,
  STOP,
  skipValue,
  skipWhitespace,
  stringEnd,
  walkArray,
  walkObject,
} from "./_json-skip.ts"
import { TOOL_NAME_PATTERN } from "./tool-name.ts"

// A "name" key, the end of a "…_name" key, or an escaped printable ASCII character.
const CANDIDATE = /"name"|_name"|\\u00[2-7][0-9a-fA-F]/g

/** Whether a JSON request body might hold an invalid tool name; `false` is a guarantee, `true` a maybe. */
export function mayHaveInvalidToolName(text: string): boolean {
  return !namedKeysAreValid(text) && structureMayHaveInvalidToolName(text)
}

/** Pass 1: whether every literal "name" and "tool_name" key holds a valid tool name or a non-string. */
export function namedKeysAreValid(text: string): boolean {
  CANDIDATE.lastIndex = 0
  for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
    const at = match.index
    const first = text.charCodeAt(at)
    if (first === BACKSLASH) return false
    const open = first === QUOTE ? at : at >= 5 && text.startsWith('"tool', at - 5) ? at - 5 : -1
    if (open === -1 || isEscaped(text, open)) continue // another key, or text inside a string
    let j = skipWhitespace(text, at + match[0].length)
    if (text.charCodeAt(j) !== COLON) continue // a value such as ["name"], not a key
    j = skipWhitespace(text, j + 1)
    if (text.charCodeAt(j) === QUOTE && checkName(text, j) === STOP) return false
  }
  return true
}

/** Pass 2: whether a string where a tool name can be is not a valid tool name (or the text is not JSON). */
export function structureMayHaveInvalidToolName(text: string): boolean {
  const start = skipWhitespace(text, 0)
  if (text.charCodeAt(start) !== OPEN_BRACE) return false
  return walkObject(text, start, rootMember) === STOP
}

const rootMember: MemberVisitor = (text, key, i) => {
  if (key === "tools") return arrayOf(text, i, nameHolder)
  if (key === "tool_choice") return nameHolder(text, i)
  if (key === "messages") return arrayOf(text, i, message)
  return skipValue(text, i)
}

const nameHolder: ElementVisitor = (text, i) => objectWithName(text, i, "name")
const toolNameHolder: ElementVisitor = (text, i) => objectWithName(text, i, "tool_name")

const message: ElementVisitor = (text, i) =>
  objectOf(text, i, (t, key, j) => (key === "content" ? arrayOf(t, j, block) : skipValue(t, j)))

const block: ElementVisitor = (text, i) =>
  objectOf(text, i, (t, key, j) => {
    if (key === "name") return checkName(t, j)
    if (key === "content") return blockContent(t, j)
    return skipValue(t, j)
  })

function blockContent(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c === OPEN_BRACKET) return arrayOf(text, i, toolNameHolder)
  if (c === OPEN_BRACE)
    return walkObject(text, i, (t, key, j) =>
      key === "tool_references" ? arrayOf(t, j, toolNameHolder) : skipValue(t, j),
    )
  return skipValue(text, i)
}

function objectWithName(text: string, i: number, nameKey: string): number {
  return objectOf(text, i, (t, key, j) => (key === nameKey ? checkName(t, j) : skipValue(t, j)))
}

// The value at `i` is a string: stop unless it is a valid tool name. Any other value: skip it.
function checkName(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) return skipValue(text, i)
  const end = stringEnd(text, i)
  if (end === STOP) return STOP
  const name = readString(text, i, end)
  if (name === undefined || !TOOL_NAME_PATTERN.test(name)) return STOP
  return end + 1
}

// A site counts only in the shape the API reads: a value of another kind is skipped, not walked.
function objectOf(text: string, i: number, member: MemberVisitor): number {
  return text.charCodeAt(i) === OPEN_BRACE ? walkObject(text, i, member) : skipValue(text, i)
}

function arrayOf(text: string, i: number, element: ElementVisitor): number {
  return text.charCodeAt(i) === OPEN_BRACKET ? walkArray(text, i, element) : skipValue(text, i)
}
