export { type ChunkObserver, createChunkObserver } from "./create-chunk-observer.ts"
export {
  createEventMapper,
  type EventMapper,
  type EventMapperOptions,
  type SseEvent,
  type SseEventMapResult,
} from "./create-event-mapper.ts"
export {
  createStreamObserver,
  type StreamObserver,
  type StreamObserverEvent,
  type StreamObserverOptions,
} from "./create-stream-observer.ts"
export {
  isSseTransformError,
  SSE_TRANSFORM_ERROR_CODES,
  SseTransformError,
  type SseTransformErrorCode,
} from "./sse-transform-error.ts"
export type { StreamEnd, StreamError, StreamSummary, StreamUsage } from "./stream-summary.ts"
export { summarizeMessage } from "./summarize-message.ts"
