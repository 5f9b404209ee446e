export {
  isPoolFetchError,
  POOL_FETCH_ERROR_CODES,
  PoolFetchError,
  type PoolFetchErrorCode,
} from "./pool-fetch-error.ts"
