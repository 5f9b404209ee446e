export type { NonLoopbackAttempt } from "./loopback-guard.ts"
export { installLoopbackGuard, isLoopbackHost, takeNonLoopbackAttempts } from "./loopback-guard.ts"
export type { ApiErrorBody } from "./mock/api-errors.ts"
export { CREDIT_TOO_LOW_MESSAGE } from "./mock/api-errors.ts"
export type { ApiContentBlock, ApiMessage, ApiUsage } from "./mock/build-message.ts"
export { DEFAULT_REPLY_TEXT } from "./mock/build-message.ts"
export { defaultMockConfig } from "./mock/default-mock-config.ts"
export type { SseEvent } from "./mock/message-events.ts"
export type {
  MockBehaviour,
  MockChunking,
  MockConfig,
  MockContentBlock,
  MockCredential,
  MockErrorName,
  MockFederationRule,
  MockIssuer,
  MockLimits,
  MockMatch,
  MockOrganization,
  MockReply,
  MockScenario,
  MockState,
  MockStreamFault,
  MockTier,
  MockWorkspace,
} from "./mock/mock-config.ts"
export type { MockControlOp } from "./mock/mock-control.ts"
export type { MockModel } from "./mock/model-catalogue.ts"
export { MOCK_MODELS, modelClassOf } from "./mock/model-catalogue.ts"
export type { LimiterSnapshot, RateLimitSnapshot } from "./mock/rate-limiter.ts"
export type { MockOutcome, MockRequestLogEntry } from "./mock/request-log.ts"
export type { CapturedRequest, CaptureServer } from "./mock/start-capture-server.ts"
export { startCaptureServer } from "./mock/start-capture-server.ts"
export type { MockAnthropic, MockAnthropicOptions } from "./mock/start-mock-anthropic.ts"
export { startMockAnthropic } from "./mock/start-mock-anthropic.ts"
export type { TestUtilsErrorCode } from "./test-utils-error.ts"
export { isTestUtilsError, TEST_UTILS_ERROR_CODES, TestUtilsError } from "./test-utils-error.ts"
