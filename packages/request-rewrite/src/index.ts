export { DEFAULT_BASE_URL, normalizeBaseUrl } from "./base-url.ts"
export {
  type AccountTarget,
  ANTHROPIC_VERSION,
  type BuildOutgoingRequestOptions,
  buildOutgoingRequest,
  type OutgoingInit,
  type OutgoingRequest,
} from "./build-outgoing-request.ts"
export { CREDENTIAL_HEADERS, type Credential, OAUTH_BETA } from "./credential.ts"
export { type RequestFacts, readRequestFacts } from "./read-request-facts.ts"
export {
  isRequestRewriteError,
  REQUEST_REWRITE_ERROR_CODES,
  RequestRewriteError,
  type RequestRewriteErrorCode,
} from "./request-rewrite-error.ts"
export {
  restoreToolNamesInEvent,
  restoreToolNamesInJson,
  restoreToolNamesInMessage,
  TOOL_NAME_EVENT_TYPES,
} from "./restore-tool-names.ts"
export { isValidToolName, sanitizeToolNames, TOOL_NAME_PATTERN } from "./tool-name.ts"
export { VERSION } from "./version.ts"
