// Walking JSON text without parsing it: the primitives both cheap body readers share (the tool-name scan and
// readRequestFacts). A walk looks only at the members it is asked about and skips every other value by bracket
// matching, jumping over string contents with indexOf, so it builds no object and copies no text. Every function
// takes the text and an index and returns the index just past what it read, or STOP when the text is not JSON it
// can walk there. On valid JSON a walk sees exactly what JSON.parse would (the property tests check it); on
// anything else it may stop or skip, and never throws.

/** What every function here returns when the text is not JSON it can walk. */
export const STOP = -1

export const QUOTE = 0x22
export const BACKSLASH = 0x5c
export const COMMA = 0x2c
export const COLON = 0x3a
export const OPEN_BRACE = 0x7b
export const CLOSE_BRACE = 0x7d
export const OPEN_BRACKET = 0x5b
export const CLOSE_BRACKET = 0x5d

/** Called with each member's key (decoded) and the index where its value starts; returns the index past the value. */
export type MemberVisitor = (text: string, key: string, i: number) => number

/** Called with the index where an element starts; returns the index past the element. */
export type ElementVisitor = (text: string, i: number) => number

export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++
  return i
}

/** Whether the character at `i` is escaped: preceded by an odd run of backslashes. */
export function isEscaped(text: string, i: number): boolean {
  let k = i - 1
  while (text.charCodeAt(k) === BACKSLASH) k--
  return (i - 1 - k) % 2 === 1
}

/** `i` is at an opening quote: the index of the closing one (a quote after an even run of backslashes), or STOP. */
export function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1)
  // Most quotes follow no backslash at all: test that before counting the run.
  while (j !== -1 && text.charCodeAt(j - 1) === BACKSLASH && isEscaped(text, j)) j = text.indexOf('"', j + 1)
  return j
}

/** The string between the quotes at `open` and `close`, decoded only when it holds an escape. */
export function readString(text: string, open: number, close: number): string | undefined {
  const raw = text.slice(open + 1, close)
  return raw.includes("\\") ? decodeString(text, open, close) : raw
}

function decodeString(text: string, open: number, close: number): string | undefined {
  try {
    const value: unknown = JSON.parse(text.slice(open, close + 1))
    return typeof value === "string" ? value : undefined
  } catch {
    return undefined
  }
}

/** Skips the value that starts at `i` without looking inside it. */
export function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i)
  if (first === QUOTE) {
    const end = stringEnd(text, i)
    return end === STOP ? STOP : end + 1
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    const length = text.length
    for (let j = i; j < length; j++) {
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

/** `i` is at "{": calls `member` for each member in order (duplicate keys included) and returns the index past "}". */
export function walkObject(text: string, i: number, member: MemberVisitor): number {
  let j = skipWhitespace(text, i + 1)
  if (text.charCodeAt(j) === CLOSE_BRACE) return j + 1
  for (;;) {
    if (text.charCodeAt(j) !== QUOTE) return STOP
    const keyEnd = stringEnd(text, j)
    if (keyEnd === STOP) return STOP
    const key = readString(text, j, keyEnd)
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

/** `i` is at "[": calls `element` for each element in order and returns the index past "]". */
export function walkArray(text: string, i: number, element: ElementVisitor): number {
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
