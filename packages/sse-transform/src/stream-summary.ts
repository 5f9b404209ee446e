/**
 * Token and request counts of one Messages response, in the API's own units, ready for cost accounting.
 *
 * Streaming: `message_start` gives the first values and every `message_delta` (whose usage is cumulative)
 * overrides, field by field, those it carries with a non-null value; a field never reported stays 0 (or
 * null). When the API reports only `cacheCreationTokens`, without the 5-minute / 1-hour breakdown, the
 * breakdown fields stay 0 and the whole amount was written with the default 5-minute lifetime.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming (event types, cumulative usage)
 * @see https://platform.claude.com/docs/en/api/messages (the `Usage` and `MessageDeltaUsage` types)
 */
export interface StreamUsage {
  /** `input_tokens`: input after the last cache breakpoint (not the whole prompt). */
  inputTokens: number
  /** `output_tokens`: the billed output, thinking included. */
  outputTokens: number
  /** `cache_creation_input_tokens`: input written to the cache, both lifetimes. */
  cacheCreationTokens: number
  /** `cache_creation.ephemeral_5m_input_tokens`. */
  cacheCreation5mTokens: number
  /** `cache_creation.ephemeral_1h_input_tokens`. */
  cacheCreation1hTokens: number
  /** `cache_read_input_tokens`. */
  cacheReadTokens: number
  /** `server_tool_use.web_search_requests` (billed per search). */
  webSearchRequests: number
  /** `server_tool_use.web_fetch_requests`. */
  webFetchRequests: number
  /** `output_tokens_details.thinking_tokens`: part of `outputTokens`, for observability only. */
  thinkingTokens: number
  /** `service_tier` (`standard`, `priority`, `batch`), which changes the price. */
  serviceTier: string | null
  /** `inference_geo` (for example `us`, priced 1.1× on 4.6+ models). */
  inferenceGeo: string | null
  /** `speed` (`fast` or `standard`), which changes the price. */
  speed: string | null
}

/**
 * An `error` event received mid-stream (or an error body), as the API sent it.
 *
 * @see https://platform.claude.com/docs/en/api/errors (error envelope)
 */
export interface StreamError {
  /** `error.type`, such as `overloaded_error`; absent when the event's data did not say. */
  type?: string
  /** `error.message`, or the raw data (at most 1,000 characters) when it was not the usual envelope. */
  message?: string
  /** `request_id` from the event's data, when present (the `request-id` response header is the caller's). */
  requestId?: string
}

/**
 * How a stream ended: `eof` when its source closed, `abort` when its source failed (the writable side was
 * aborted), `cancel` when its reader cancelled it.
 */
export type StreamEnd = "eof" | "abort" | "cancel"

/**
 * What one Messages response reported: identity, usage, why it stopped, whether it completed, and timings.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
export interface StreamSummary {
  /** `message.id` (`msg_…`), or null before a `message_start`. */
  messageId: string | null
  /** The model that answered, from `message_start` (or the message). */
  model: string | null
  /** Token and request counts; see {@link StreamUsage}. */
  usage: StreamUsage
  /** The last `stop_reason` reported (`end_turn`, `max_tokens`, `tool_use`, `refusal`, …). */
  stopReason: string | null
  /** Whether a `message_stop` event arrived (always true for a complete non-streaming message). */
  sawMessageStop: boolean
  /** The first `error` event, or null. */
  error: StreamError | null
  /**
   * Whether the source ended (`eof` or `abort`) before `message_stop`: the message was cut short on the
   * server's side or on the way. False when the reader cancelled: that was the caller's choice.
   */
  truncated: boolean
  /** How the stream ended. */
  end: StreamEnd
  /** Milliseconds from the start time to the first byte, or null when no byte arrived. */
  timeToFirstByteMs: number | null
  /** Milliseconds from the start time to the first `content_block_delta`, or null when none arrived. */
  timeToFirstContentMs: number | null
  /** Bytes that passed through (from `summarizeMessage`: the body text's size, or 0 for a parsed body). */
  bytes: number
  /**
   * Events the summary depends on (`message_start`, `message_delta`, `error`) whose data was not the JSON
   * expected, or was larger than `maxEventBytes`; such events are skipped, never fatal.
   */
  malformedEvents: number
  /** The first error thrown by an `onEvent` callback, if one threw (the stream itself went on). */
  callbackError?: unknown
}
