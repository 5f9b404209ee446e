export {
  isSseTransformError,
  SSE_TRANSFORM_ERROR_CODES,
  SseTransformError,
  type SseTransformErrorCode,
} from "./sse-transform-error.ts"
