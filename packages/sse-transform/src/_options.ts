import { SSE_TRANSFORM_ERROR_CODES, SseTransformError } from "./sse-transform-error.ts"

/** The default most bytes kept for one event while it is incomplete: 16 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024

/** Checks an injected clock, or gives Date.now. */
export function resolveNow(factory: string, now: unknown): () => number {
  if (now === undefined) return Date.now
  if (typeof now !== "function") {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      `${factory}: \`now\` must be a function returning epoch milliseconds; pass one or leave it out.`,
    )
  }
  return now as () => number
}

/** Checks `maxEventBytes`, or gives the default. */
export function resolveMaxEventBytes(factory: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_EVENT_BYTES
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new SseTransformError(
      SSE_TRANSFORM_ERROR_CODES.INVALID_OPTIONS,
      `${factory}: \`maxEventBytes\` must be a positive integer (got ${String(value)}); leave it out for 16 MiB.`,
    )
  }
  return value
}
