import { blockSites, contentSites, isObject, type ToolNameSite } from "./_tool-name-sites.ts"

/**
 * The streaming event types that can carry a tool name; {@link restoreToolNamesInEvent} returns every other event
 * unchanged, so an event mapper may skip decoding them.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (event types)
 */
export const TOOL_NAME_EVENT_TYPES: readonly string[] = Object.freeze([
  "message_start",
  "content_block_start",
])

/**
 * Restores the caller's tool names in one parsed Messages streaming event (the JSON of an SSE `data:` line): the
 * `name` of a `tool_use` block in `content_block_start`, `tool_reference` names, and any blocks in `message_start`.
 * Returns the event itself when nothing changes, otherwise a copy; the input is never modified. Pass it, with the
 * `toolNames` map from {@link buildOutgoingRequest}, to sse-transform's event mapper.
 *
 * @param event a parsed event object, e.g. `{ type: "content_block_start", index: 1, content_block: { … } }`.
 * @param toolNames sanitized name → original name, as returned in `OutgoingRequest.toolNames`.
 * @example
 * const event = { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "a_b_12345678", input: {} } }
 * restoreToolNamesInEvent(event, new Map([["a_b_12345678", "a.b"]])).content_block.name // "a.b"
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (event types)
 */
export function restoreToolNamesInEvent<T>(event: T, toolNames: ReadonlyMap<string, string> | undefined): T {
  if (toolNames === undefined || toolNames.size === 0 || !isObject(event)) return event
  if (event.type === "content_block_start") {
    const block = restoreBlock(event.content_block, toolNames)
    return block === event.content_block ? event : ({ ...event, content_block: block } as T)
  }
  if (event.type === "message_start") {
    const message = restoreToolNamesInMessage(event.message, toolNames)
    return message === event.message ? event : ({ ...event, message } as T)
  }
  return event
}

/**
 * Restores the caller's tool names in a parsed (non-streaming) Messages API response: `tool_use` names and
 * `tool_reference` names in its `content`. Returns the message itself when nothing changes, otherwise a copy.
 *
 * @example
 * const message = { type: "message", content: [{ type: "tool_use", id: "toolu_1", name: "a_b_12345678", input: {} }] }
 * restoreToolNamesInMessage(message, new Map([["a_b_12345678", "a.b"]])).content[0].name // "a.b"
 * @see https://platform.claude.com/docs/en/api/messages (response `content`)
 */
export function restoreToolNamesInMessage<T>(
  message: T,
  toolNames: ReadonlyMap<string, string> | undefined,
): T {
  if (
    toolNames === undefined ||
    toolNames.size === 0 ||
    !isObject(message) ||
    !Array.isArray(message.content)
  )
    return message
  const sites: ToolNameSite[] = []
  contentSites(sites, message.content)
  if (!sites.some((site) => toolNames.has(site.holder[site.key] as string))) return message
  const copy = structuredClone(message) as Record<string, unknown>
  const copySites: ToolNameSite[] = []
  contentSites(copySites, copy.content as unknown[])
  renameSites(copySites, toolNames)
  return copy as T
}

/**
 * Restores the caller's tool names in the text of a JSON Messages API response. Returns `text` itself, unparsed,
 * when none of the sanitized names occurs in it (the common case) or it is not JSON; otherwise parses and
 * serializes once.
 *
 * @example
 * const text = '{"type":"message","content":[{"type":"tool_use","id":"toolu_1","name":"a_b_12345678","input":{}}]}'
 * JSON.parse(restoreToolNamesInJson(text, new Map([["a_b_12345678", "a.b"]]))).content[0].name // "a.b"
 */
export function restoreToolNamesInJson(
  text: string,
  toolNames: ReadonlyMap<string, string> | undefined,
): string {
  if (toolNames === undefined) return text
  let mentioned = false
  for (const sanitized of toolNames.keys()) {
    if (text.includes(sanitized)) {
      mentioned = true
      break
    }
  }
  if (!mentioned) return text
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  const restored = restoreToolNamesInMessage(parsed, toolNames)
  return restored === parsed ? text : JSON.stringify(restored)
}

function restoreBlock(block: unknown, toolNames: ReadonlyMap<string, string>): unknown {
  const sites: ToolNameSite[] = []
  blockSites(sites, block)
  if (!sites.some((site) => toolNames.has(site.holder[site.key] as string))) return block
  const copy = structuredClone(block)
  const copySites: ToolNameSite[] = []
  blockSites(copySites, copy)
  renameSites(copySites, toolNames)
  return copy
}

function renameSites(sites: readonly ToolNameSite[], toolNames: ReadonlyMap<string, string>): void {
  for (const site of sites) {
    const original = toolNames.get(site.holder[site.key] as string)
    if (original !== undefined) site.holder[site.key] = original
  }
}
