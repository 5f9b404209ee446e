/**
 * `anthropic-beta` values the API accepts: the Messages API enum of reference §4, plus the values
 * the official SDK sends with bearer tokens and federation, and those OpenCode sends.
 *
 * @see reference/anthropic-api.md §4 ("anthropic-beta")
 */
export const KNOWN_BETAS: ReadonlySet<string> = new Set([
  "message-batches-2024-09-24",
  "prompt-caching-2024-07-31",
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "pdfs-2024-09-25",
  "token-counting-2024-11-01",
  "token-efficient-tools-2025-02-19",
  "output-128k-2025-02-19",
  "files-api-2025-04-14",
  "mcp-client-2025-04-04",
  "mcp-client-2025-11-20",
  "dev-full-thinking-2025-05-14",
  "interleaved-thinking-2025-05-14",
  "code-execution-2025-05-22",
  "extended-cache-ttl-2025-04-11",
  "context-1m-2025-08-07",
  "context-management-2025-06-27",
  "model-context-window-exceeded-2025-08-26",
  "skills-2025-10-02",
  "fast-mode-2026-02-01",
  "output-300k-2026-03-24",
  "user-profiles-2026-03-24",
  "user-profiles-2026-08-18",
  "advisor-tool-2026-03-01",
  "managed-agents-2026-04-01",
  "cache-diagnosis-2026-04-07",
  "dreaming-2026-04-21",
  "thinking-token-count-2026-05-13",
  "server-side-fallback-2026-06-01",
  "server-side-fallback-2026-07-01",
  "fallback-credit-2026-06-01",
  "fallback-credit-2026-07-01",
  "agent-memory-2026-07-22",
  "mid-conversation-tool-changes-2026-07-01",
  // Sent by the official SDK with bearer tokens and on the federation exchange.
  "oauth-2025-04-20",
  "oidc-federation-2026-04-01",
  // Sent by OpenCode (reference opencode-e2e.md, captured request).
  "structured-outputs-2025-11-13",
  "fine-grained-tool-streaming-2025-05-14",
])

/** The values of an `anthropic-beta` header the API would reject, in order. */
export function unknownBetas(header: string | undefined, extra: readonly string[] = []): string[] {
  if (!header || extra.includes("*")) return []
  return header
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0 && !KNOWN_BETAS.has(v) && !extra.includes(v))
}
