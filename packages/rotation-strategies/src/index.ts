export type { KeyedMap } from "./_entries.ts"
export type { HeadersInput } from "./_headers.ts"
export type {
  Classification,
  ClassifiedAccount,
  ClassifiedError,
  ClassifyContext,
} from "./classification.ts"
export { type ClassifyResponseInput, classifyResponse } from "./classify-response.ts"
export {
  type ClassifyStreamInput,
  classifyStreamFailure,
  type StreamOutcome,
} from "./classify-stream-failure.ts"
export { classifyTransportError } from "./classify-transport-error.ts"
export {
  backoffDelay,
  type Cooldown,
  type CooldownLike,
  type CooldownMap,
  type CooldownPolicy,
  DEFAULT_COOLDOWN_POLICY,
  isCooling,
  mergeCooldown,
  nextMonthStartUtc,
} from "./cooldown.ts"
export {
  type CooldownScope,
  type CooldownTarget,
  candidateCooldownKeys,
  cooldownKey,
  groupKey,
} from "./cooldown-key.ts"
export {
  type ClassificationAction,
  FAILURE_CLASSES,
  type FailureClass,
  type HealthEvent,
} from "./failure-class.ts"
export {
  DEFAULT_HEALTH_CONFIG,
  type HealthConfig,
  type HealthState,
  healthScore,
  isHealthUsable,
  resolveHealthConfig,
  updateHealth,
} from "./health-score.ts"
export {
  DEFAULT_MODEL_CLASSES,
  extendModelClasses,
  fastModeClass,
  modelClassOf,
} from "./model-class.ts"
export {
  headroomOf,
  parseRateLimitHeaders,
  type RateLimitBucket,
  type RateLimitBucketName,
  type RateLimitSnapshot,
} from "./parse-rate-limit-headers.ts"
export { parseRetryAfter, parseRfc3339 } from "./parse-retry-after.ts"
export {
  DEFAULT_RETRY_POLICY,
  type RetryDelayInput,
  type RetryPolicy,
  retryDelay,
  shouldRetryResponse,
} from "./retry-policy.ts"
export {
  isRotationError,
  ROTATION_ERROR_CODES,
  RotationError,
  type RotationErrorCode,
} from "./rotation-error.ts"
export {
  type Candidate,
  createStrategy,
  DEFAULT_HYBRID_WEIGHTS,
  type HybridWeights,
  type NoCandidate,
  type PickContext,
  type PickResult,
  STRATEGY_NAMES,
  type Strategy,
  type StrategyName,
  type StrategyOptions,
  type Unavailable,
} from "./strategy.ts"
export {
  bucketTokens,
  DEFAULT_TOKEN_BUCKET_CONFIG,
  resolveTokenBucketConfig,
  type TokenBucketConfig,
  type TokenBucketState,
  takeToken,
} from "./token-bucket.ts"
export { type FormatUnavailableOptions, formatUnavailable } from "./wait-or-fail.ts"
