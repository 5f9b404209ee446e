// Where a Messages API request or response carries a client tool's name. The request side renames at these
// places and the response side restores them; the cheap body scan (_scan-tool-names.ts) looks at a superset.

/** One place that holds a tool name: `holder[key]` is a string. */
export interface ToolNameSite {
  readonly holder: Record<string, unknown>
  readonly key: "name" | "tool_name"
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** Every tool-name site of a parsed Messages API request body: tools, tool_choice and the conversation's blocks. */
export function requestToolNameSites(body: unknown): ToolNameSite[] {
  const sites: ToolNameSite[] = []
  if (!isObject(body)) return sites
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) addSite(sites, tool, "name")
  }
  addSite(sites, body.tool_choice, "name")
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      if (isObject(message) && Array.isArray(message.content)) contentSites(sites, message.content)
    }
  }
  return sites
}

/** Every tool-name site of an array of content blocks (a message's `content`). */
export function contentSites(sites: ToolNameSite[], content: readonly unknown[]): void {
  for (const block of content) blockSites(sites, block)
}

/**
 * The tool-name sites of one content block: a `tool_use` block's `name`, and the `tool_name` of `tool_reference`
 * blocks (inside a `tool_result`, or the `tool_references` of a `tool_search_tool_result`).
 */
export function blockSites(sites: ToolNameSite[], block: unknown): void {
  if (!isObject(block)) return
  switch (block.type) {
    case "tool_use":
      addSite(sites, block, "name")
      break
    case "tool_result":
      if (Array.isArray(block.content)) referenceSites(sites, block.content)
      break
    case "tool_search_tool_result":
      if (isObject(block.content) && Array.isArray(block.content.tool_references))
        referenceSites(sites, block.content.tool_references)
      break
  }
}

function referenceSites(sites: ToolNameSite[], items: readonly unknown[]): void {
  for (const item of items) {
    if (isObject(item) && item.type === "tool_reference") addSite(sites, item, "tool_name")
  }
}

function addSite(sites: ToolNameSite[], holder: unknown, key: ToolNameSite["key"]): void {
  if (isObject(holder) && typeof holder[key] === "string") sites.push({ holder, key })
}
