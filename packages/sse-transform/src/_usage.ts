import { isRecord } from "./_json.ts"
import type { StreamUsage } from "./stream-summary.ts"

/** Usage with nothing reported yet. */
export function emptyUsage(): StreamUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    webFetchRequests: 0,
    thinkingTokens: 0,
    serviceTier: null,
    inferenceGeo: null,
    speed: null,
  }
}

const count = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0

/**
 * Overrides, in `usage`, every field that `raw` (an API `usage` object) carries with a usable value; fields
 * it lacks, or reports as null, keep their earlier value.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (usage in `message_delta` is cumulative)
 */
export function mergeUsage(usage: StreamUsage, raw: unknown): void {
  if (!isRecord(raw)) return
  if (count(raw.input_tokens)) usage.inputTokens = raw.input_tokens
  if (count(raw.output_tokens)) usage.outputTokens = raw.output_tokens
  if (count(raw.cache_creation_input_tokens)) usage.cacheCreationTokens = raw.cache_creation_input_tokens
  if (count(raw.cache_read_input_tokens)) usage.cacheReadTokens = raw.cache_read_input_tokens
  const creation = raw.cache_creation
  if (isRecord(creation)) {
    if (count(creation.ephemeral_5m_input_tokens))
      usage.cacheCreation5mTokens = creation.ephemeral_5m_input_tokens
    if (count(creation.ephemeral_1h_input_tokens))
      usage.cacheCreation1hTokens = creation.ephemeral_1h_input_tokens
  }
  const tools = raw.server_tool_use
  if (isRecord(tools)) {
    if (count(tools.web_search_requests)) usage.webSearchRequests = tools.web_search_requests
    if (count(tools.web_fetch_requests)) usage.webFetchRequests = tools.web_fetch_requests
  }
  const details = raw.output_tokens_details
  if (isRecord(details) && count(details.thinking_tokens)) usage.thinkingTokens = details.thinking_tokens
  if (typeof raw.service_tier === "string") usage.serviceTier = raw.service_tier
  if (typeof raw.inference_geo === "string") usage.inferenceGeo = raw.inference_geo
  if (typeof raw.speed === "string") usage.speed = raw.speed
}
