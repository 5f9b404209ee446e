export {
  isRequestRewriteError,
  REQUEST_REWRITE_ERROR_CODES,
  RequestRewriteError,
  type RequestRewriteErrorCode,
} from "./request-rewrite-error.ts"
