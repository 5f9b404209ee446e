// Read on every request before an account is chosen, so it must cost far less than a parse of a body that can be
// hundreds of kilobytes: one walk over the top-level members, every value but the three wanted skipped by bracket
// matching (_json-skip.ts). Exact against JSON.parse on valid JSON, which a property test checks.
import { bodyText } from "./_body-text.ts"
import { OPEN_BRACE, QUOTE, readString, STOP, skipValue, skipWhitespace, walkObject } from "./_json-skip.ts"

/** What a Messages API request says at its top level about how it is to be served. */
export interface RequestFacts {
  /** The top-level `model`, when it is a string. */
  readonly model?: string
  /** Whether the top-level `stream` is `true` (the response is then server-sent events). */
  readonly stream: boolean
  /** The top-level `speed`, when it is a string: `"fast"` asks for fast mode, which has rate limits of its own. */
  readonly speed?: string
}

const NO_FACTS: RequestFacts = Object.freeze({ stream: false })

/**
 * Reads the top-level `model`, `stream` and `speed` of a Messages API request body without parsing it.
 *
 * The body is a string or UTF-8 bytes, as given to `fetch`. The answer is what `JSON.parse` would give (the last
 * of duplicate keys wins; a `"model"` key nested in messages or tools is not the top-level one), at a fraction of
 * its cost: nothing is built but the strings returned. A body that is not a JSON object, not text or not UTF-8
 * gives `{ stream: false }`; so may malformed JSON, which the API rejects anyway. Never throws.
 *
 * @example
 * const facts = readRequestFacts('{"model":"claude-opus-4-8","speed":"fast","stream":true,"messages":[]}')
 * // { model: "claude-opus-4-8", stream: true, speed: "fast" }
 * @see https://platform.claude.com/docs/en/api/messages (the request's `model` and `stream`),
 * https://platform.claude.com/docs/en/build-with-claude/fast-mode (`speed`)
 */
export function readRequestFacts(body: RequestInit["body"] | undefined): RequestFacts {
  const text = bodyText(body)
  if (text === undefined) return NO_FACTS
  const start = skipWhitespace(text, 0)
  if (text.charCodeAt(start) !== OPEN_BRACE) return NO_FACTS
  let model: string | undefined
  let stream = false
  let speed: string | undefined
  const end = walkObject(text, start, (t, key, i) => {
    const valueEnd = skipValue(t, i)
    if (valueEnd === STOP) return STOP
    if (key === "model") model = t.charCodeAt(i) === QUOTE ? readString(t, i, valueEnd - 1) : undefined
    else if (key === "stream") stream = valueEnd - i === 4 && t.startsWith("true", i)
    else if (key === "speed") speed = t.charCodeAt(i) === QUOTE ? readString(t, i, valueEnd - 1) : undefined
    return valueEnd
  })
  if (end === STOP || skipWhitespace(text, end) !== text.length) return NO_FACTS
  const facts: { model?: string; stream: boolean; speed?: string } = { stream }
  if (model !== undefined) facts.model = model
  if (speed !== undefined) facts.speed = speed
  return facts
}
