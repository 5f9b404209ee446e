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
//    Everything else is skipped by bracket matching, string contents jumped over with indexOf. This clears bodies
//    whose tool inputs or schemas hold "name" keys with free text, which pass 1 cannot tell from tool names.

import { TOOL_NAME_PATTERN } from "./tool-name.ts"

const STOP = -1
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

type Visit = (text: string, i: number) => number
type Member = (text: string, key: string, i: number) => number

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
  return object(text, start, rootMember) === STOP
}

const rootMember: Member = (text, key, i) => {
  if (key === "tools") return arrayOf(text, i, nameHolder)
  if (key === "tool_choice") return nameHolder(text, i)
  if (key === "messages") return arrayOf(text, i, message)
  return skipValue(text, i)
}

const nameHolder: Visit = (text, i) => objectWithName(text, i, "name")
const toolNameHolder: Visit = (text, i) => objectWithName(text, i, "tool_name")

const message: Visit = (text, i) =>
  objectOf(text, i, (t, key, j) => (key === "content" ? arrayOf(t, j, block) : skipValue(t, j)))

const block: Visit = (text, i) =>
  objectOf(text, i, (t, key, j) => {
    if (key === "name") return checkName(t, j)
    if (key === "content") return blockContent(t, j)
    return skipValue(t, j)
  })

function blockContent(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c === OPEN_BRACKET) return arrayOf(text, i, toolNameHolder)
  if (c === OPEN_BRACE)
    return object(text, i, (t, key, j) =>
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
  const raw = text.slice(i + 1, end)
  if (raw.includes("\\")) {
    const decoded = decodeString(text, i, end)
    if (decoded === undefined || !TOOL_NAME_PATTERN.test(decoded)) return STOP
  } else if (!TOOL_NAME_PATTERN.test(raw)) return STOP
  return end + 1
}

function objectOf(text: string, i: number, member: Member): number {
  return text.charCodeAt(i) === OPEN_BRACE ? object(text, i, member) : skipValue(text, i)
}

function arrayOf(text: string, i: number, element: Visit): number {
  if (text.charCodeAt(i) !== OPEN_BRACKET) return skipValue(text, i)
  let j = skipWhitespace(text, i + 1)
  if (text.charCodeAt(j) === CLOSE_BRACKET) return j + 1
  for (;;) {
    j = element(text, j)
    if (j === STOP) return STOP
    j = skipWhitespace(text, j)
    const c = text.charCodeAt(j)
    if (c === CLOSE_BRACKET) return j + 1
    if (c !== COMMA) return STOP
    j = skipWhitespace(text, j + 1)
  }
}

// `i` is at "{". Calls `member` with each key (decoded) and the index of its value.
function object(text: string, i: number, member: Member): number {
  let j = skipWhitespace(text, i + 1)
  if (text.charCodeAt(j) === CLOSE_BRACE) return j + 1
  for (;;) {
    if (text.charCodeAt(j) !== QUOTE) return STOP
    const keyEnd = stringEnd(text, j)
    if (keyEnd === STOP) return STOP
    let key: string | undefined = text.slice(j + 1, keyEnd)
    if (key.includes("\\")) key = decodeString(text, j, keyEnd)
    if (key === undefined) return STOP
    j = skipWhitespace(text, keyEnd + 1)
    if (text.charCodeAt(j) !== COLON) return STOP
    j = member(text, key, skipWhitespace(text, j + 1))
    if (j === STOP) return STOP
    j = skipWhitespace(text, j)
    const c = text.charCodeAt(j)
    if (c === CLOSE_BRACE) return j + 1
    if (c !== COMMA) return STOP
    j = skipWhitespace(text, j + 1)
  }
}

// Skips one value of any kind without looking inside; returns the index just past it.
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i)
  if (first === QUOTE) {
    const end = stringEnd(text, i)
    return end === STOP ? STOP : end + 1
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j)
      if (c === QUOTE) {
        j = stringEnd(text, j)
        if (j === STOP) return STOP
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--
        if (depth === 0) return j + 1
      }
    }
    return STOP
  }
  // A number or a literal: runs to the next delimiter.
  let j = i
  while (j < text.length) {
    const c = text.charCodeAt(j)
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isWhitespace(c)) break
    j++
  }
  return j === i ? STOP : j
}

// `i` is at an opening quote; returns the index of the closing one (a quote preceded by an even run of backslashes).
function stringEnd(text: string, i: number): number {
  let j = i + 1
  for (;;) {
    j = text.indexOf('"', j)
    if (j === -1) return STOP
    if (!isEscaped(text, j)) return j
    j++
  }
}

// Whether the character at `i` is escaped: preceded by an odd run of backslashes.
function isEscaped(text: string, i: number): boolean {
  let k = i - 1
  while (text.charCodeAt(k) === BACKSLASH) k--
  return (i - 1 - k) % 2 === 1
}

function decodeString(text: string, start: number, end: number): string | undefined {
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1))
    return typeof value === "string" ? value : undefined
  } catch {
    return undefined
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++
  return i
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}
