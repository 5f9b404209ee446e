// What pool-fetch needs to know about a Messages request before choosing an account: its `model` (routing rules,
// model class, pricing), `stream` (how long headers may take) and whether `speed` is "fast" (fast mode has limits
// of its own). The body is not parsed: one walk over the top-level object reads these members, skipping every
// other value by bracket matching, with string contents jumped over by indexOf. Exact for any valid JSON object
// (a nested "model" key inside messages or tools is never mistaken for the top-level one); anything else gives
// no facts. Proven against JSON.parse by a property test.

/** What the routing needs from a request body. */
export interface RequestFacts {
  /** The top-level `model`, when it is a string. */
  model?: string
  /** The top-level `stream` is `true`. */
  stream: boolean
  /** The top-level `speed` is `"fast"`. */
  fast: boolean
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const FAIL = -1

const NO_FACTS: RequestFacts = Object.freeze({ stream: false, fast: false }) as RequestFacts

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++
  return i
}

/** Index just past the string that opens at `i` (a quote), or FAIL. */
function skipString(text: string, i: number): number {
  let j = i + 1
  for (;;) {
    const close = text.indexOf('"', j)
    if (close < 0) return FAIL
    let slashes = 0
    for (let k = close - 1; k > i && text.charCodeAt(k) === BACKSLASH; k--) slashes++
    if (slashes % 2 === 0) return close + 1
    j = close + 1
  }
}

/** Index just past the value that starts at `i`, or FAIL; nested structures are matched, strings jumped over. */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i)
  if (first === QUOTE) return skipString(text, i)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let j = i
    while (j < text.length) {
      const c = text.charCodeAt(j)
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break
      j++
    }
    return j > i ? j : FAIL
  }
  let depth = 0
  let j = i
  while (j < text.length) {
    const c = text.charCodeAt(j)
    if (c === QUOTE) {
      j = skipString(text, j)
      if (j === FAIL) return FAIL
      continue
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
      if (depth === 0) return j + 1
    }
    j++
  }
  return FAIL
}

/** The string value that opens at `i`, decoded only when it holds an escape. */
function readString(text: string, i: number, end: number): string | undefined {
  const raw = text.slice(i + 1, end - 1)
  if (raw.indexOf("\\") < 0) return raw
  try {
    return JSON.parse(text.slice(i, end)) as string
  } catch {
    return undefined
  }
}

/**
 * Reads `model`, `stream` and `speed` from the top level of a JSON request body without parsing it. A body that
 * is not a JSON object (or not text) gives `{ stream: false, fast: false }`.
 */
export function readRequestFacts(text: string | undefined): RequestFacts {
  if (text === undefined) return NO_FACTS
  let i = skipSpace(text, 0)
  if (text.charCodeAt(i) !== OPEN_BRACE) return NO_FACTS
  const facts: RequestFacts = { stream: false, fast: false }
  let model: string | undefined
  let stream: boolean | undefined
  let speed: string | undefined
  i = skipSpace(text, i + 1)
  if (text.charCodeAt(i) === CLOSE_BRACE) return facts
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return NO_FACTS
    const keyEnd = skipString(text, i)
    if (keyEnd === FAIL) return NO_FACTS
    const key = readString(text, i, keyEnd)
    i = skipSpace(text, keyEnd)
    if (text.charCodeAt(i) !== COLON) return NO_FACTS
    i = skipSpace(text, i + 1)
    const valueEnd = skipValue(text, i)
    if (valueEnd === FAIL) return NO_FACTS
    // JSON.parse keeps the last of duplicate keys; so does this.
    if (key === "model") model = text.charCodeAt(i) === QUOTE ? readString(text, i, valueEnd) : undefined
    else if (key === "stream") stream = text.startsWith("true", i) && valueEnd - i === 4
    else if (key === "speed") speed = text.charCodeAt(i) === QUOTE ? readString(text, i, valueEnd) : undefined
    i = skipSpace(text, valueEnd)
    const c = text.charCodeAt(i)
    if (c === COMMA) {
      i = skipSpace(text, i + 1)
      continue
    }
    if (c !== CLOSE_BRACE) return NO_FACTS
    break
  }
  if (skipSpace(text, i + 1) !== text.length) return NO_FACTS
  if (model !== undefined) facts.model = model
  facts.stream = stream === true
  facts.fast = speed === "fast"
  return facts
}
