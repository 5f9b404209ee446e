export {
  ACCOUNT_STORE_ERROR_CODES,
  AccountStoreError,
  type AccountStoreErrorCode,
  isAccountStoreError,
} from "./account-store-error.ts"
