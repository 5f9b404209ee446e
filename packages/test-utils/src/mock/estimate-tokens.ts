import type { MockContentBlock } from "./mock-config.ts"

/** ⌈UTF-8 bytes / 4⌉ of a string, or of the JSON of anything else. */
export function tokensOf(value: unknown): number {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "")
  return Math.ceil(Buffer.byteLength(text, "utf8") / 4)
}

/** One weighed piece of a prompt, in the order the API caches them: tools, system, messages. */
export interface PromptPart {
  tokens: number
  /** Its JSON, so a cached prefix can be recognised. */
  json: string
  /** The part carries a `cache_control` breakpoint with this TTL. */
  breakpoint?: "5m" | "1h"
}

function part(value: unknown): PromptPart {
  const json = JSON.stringify(value)
  const cc = (value as { cache_control?: { type?: string; ttl?: string } } | null)?.cache_control
  return {
    tokens: tokensOf(json),
    json,
    ...(cc && typeof cc === "object" ? { breakpoint: cc.ttl === "1h" ? "1h" : "5m" } : {}),
  }
}

/**
 * Cuts a Messages request into weighed parts, deterministically: each tool definition, each system
 * block (a string system prompt is one block) and each message content block (a string content is one
 * block) weighs ⌈UTF-8 bytes of its JSON / 4⌉ tokens; each message adds 3 more (role and framing).
 * A top-level `cache_control` (automatic caching) puts a breakpoint on the last block.
 */
export function promptParts(body: Record<string, unknown>): PromptPart[] {
  const parts: PromptPart[] = []
  if (Array.isArray(body.tools)) for (const t of body.tools) parts.push(part(t))
  const system = body.system
  if (typeof system === "string") parts.push(part({ type: "text", text: system }))
  else if (Array.isArray(system)) for (const b of system) parts.push(part(b))
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as { role?: unknown; content?: unknown }[]) {
      parts.push({ tokens: 3, json: JSON.stringify({ role: m?.role }) })
      const content = m?.content
      if (typeof content === "string") parts.push(part({ type: "text", text: content }))
      else if (Array.isArray(content)) for (const b of content) parts.push(part(b))
    }
  }
  const auto = body.cache_control as { ttl?: string } | undefined
  if (auto && typeof auto === "object" && parts.length > 0) {
    const last = parts[parts.length - 1]!
    last.breakpoint ??= auto.ttl === "1h" ? "1h" : "5m"
  }
  return parts
}

/** Input tokens of a request without any caching (what `count_tokens` answers). */
export function countInputTokens(body: Record<string, unknown>): number {
  return Math.max(
    1,
    promptParts(body).reduce((n, p) => n + p.tokens, 0),
  )
}

/**
 * Output tokens of a reply: ⌈UTF-8 bytes / 4⌉ of each text, thinking text, and tool input JSON (plus the
 * tool name), at least 1.
 */
export function countOutputTokens(content: readonly MockContentBlock[]): number {
  let n = 0
  for (const b of content) {
    if (b.type === "text") n += tokensOf(b.text)
    else if (b.type === "thinking") n += tokensOf(b.thinking)
    else if (b.type === "tool_use") n += tokensOf(b.name) + tokensOf(JSON.stringify(b.input))
    else n += tokensOf(b.data)
  }
  return Math.max(1, n)
}
