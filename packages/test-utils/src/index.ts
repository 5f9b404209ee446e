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
export type { TestIdentityIssuer, TestIdentityIssuerOptions } from "./mock/test-identity-issuer.ts"
export { createTestIdentityIssuer } from "./mock/test-identity-issuer.ts"
export type { NetworkNamespaceSupport } from "./opencode/network-namespace.ts"
export { detectNetworkNamespace } from "./opencode/network-namespace.ts"
export type { OpencodePluginEntry } from "./opencode/opencode-config.ts"
export type { OpencodeLogLevel } from "./opencode/opencode-run-args.ts"
export type {
  CreateOpencodeSandboxOptions,
  OpencodeSandbox,
  OpencodeSandboxPaths,
} from "./opencode/opencode-sandbox.ts"
export { createOpencodeSandbox } from "./opencode/opencode-sandbox.ts"
export type { OpencodeLogLine } from "./opencode/parse-opencode-logs.ts"
export { parseOpencodeLogs } from "./opencode/parse-opencode-logs.ts"
export type { OpencodeBinary, ResolveOpencodeBinaryOptions } from "./opencode/resolve-opencode-binary.ts"
export { OPENCODE_VERSION, resolveOpencodeBinary } from "./opencode/resolve-opencode-binary.ts"
export type {
  OpencodeAuthEntry,
  OpencodeMockTarget,
  OpencodeRunResult,
  RunOpencodeOptions,
} from "./opencode/run-opencode.ts"
export { DEFAULT_OPENCODE_API_KEY, DEFAULT_OPENCODE_MODEL, runOpencode } from "./opencode/run-opencode.ts"
export type { SeedOpencodeConfigDirOptions } from "./opencode/seed-opencode-config-dir.ts"
export { seedOpencodeConfigDir } from "./opencode/seed-opencode-config-dir.ts"
export type { TestUtilsErrorCode } from "./test-utils-error.ts"
export { isTestUtilsError, TEST_UTILS_ERROR_CODES, TestUtilsError } from "./test-utils-error.ts"
