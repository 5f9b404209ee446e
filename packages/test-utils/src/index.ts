export type { NonLoopbackAttempt } from "./loopback-guard.ts"
export { installLoopbackGuard, isLoopbackHost, takeNonLoopbackAttempts } from "./loopback-guard.ts"
export type { NetworkNamespaceSupport } from "./opencode/network-namespace.ts"
export { detectNetworkNamespace } from "./opencode/network-namespace.ts"
export type { OpencodePluginEntry } from "./opencode/opencode-config.ts"
export type { OpencodeHarnessErrorCode } from "./opencode/opencode-harness-error.ts"
export {
  isOpencodeHarnessError,
  OPENCODE_HARNESS_ERROR_CODES,
  OpencodeHarnessError,
} from "./opencode/opencode-harness-error.ts"
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
