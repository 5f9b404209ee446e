const MARKER = Symbol.for("keyrelay.error.AccountStoreError")

/** Stable codes of every AccountStoreError; match on these, never on messages. */
export const ACCOUNT_STORE_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_STORE_INVALID_OPTIONS",
  /** An argument (account input, patch, rule, usage record) does not match its schema. */
  INVALID_INPUT: "ERR_STORE_INVALID_INPUT",
  /** A file could not be parsed or failed its schema; it was moved aside to `<name>.corrupt-<time>`. */
  FILE_CORRUPT: "ERR_STORE_FILE_CORRUPT",
  /** A file was written by a newer keyrelay (its schema version is higher than this one understands). */
  FILE_TOO_NEW: "ERR_STORE_FILE_TOO_NEW",
  /** A migration step from an older schema version failed; the original file is left in place. */
  MIGRATION_FAILED: "ERR_STORE_MIGRATION_FAILED",
  /** A secrets file (or the store directory) can be read by group or others. */
  INSECURE_PERMISSIONS: "ERR_STORE_INSECURE_PERMISSIONS",
  /** Reading or writing a store file failed at the operating-system level. */
  IO_FAILED: "ERR_STORE_IO_FAILED",
  /** The cross-process lock could not be taken within the timeout (another process holds it). */
  LOCK_TIMEOUT: "ERR_STORE_LOCK_TIMEOUT",
  /** No account with this id exists (it may have been removed by another process). */
  ACCOUNT_NOT_FOUND: "ERR_STORE_ACCOUNT_NOT_FOUND",
  /** An account with the same credential fingerprint already exists; a secret is never stored twice. */
  DUPLICATE_CREDENTIAL: "ERR_STORE_DUPLICATE_CREDENTIAL",
  /** The secret of an account is missing (deleted from the keychain, or its file was moved aside). */
  SECRET_MISSING: "ERR_STORE_SECRET_MISSING",
  /** The OS keychain was asked for but is not available here; the file backend is used instead. */
  KEYCHAIN_UNAVAILABLE: "ERR_STORE_KEYCHAIN_UNAVAILABLE",
  /** The store was used after `close()`. */
  CLOSED: "ERR_STORE_CLOSED",
} as const

/** One of ACCOUNT_STORE_ERROR_CODES. */
export type AccountStoreErrorCode = (typeof ACCOUNT_STORE_ERROR_CODES)[keyof typeof ACCOUNT_STORE_ERROR_CODES]

/**
 * The one error class of `@keyrelay/account-store`. Messages say what happened, to what, and what to do next, and
 * never contain a secret; `cause` carries the underlying error.
 */
export class AccountStoreError extends Error {
  readonly code: AccountStoreErrorCode
  readonly [MARKER] = true

  constructor(code: AccountStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "AccountStoreError"
    this.code = code
  }

  /** Recognises an AccountStoreError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is AccountStoreError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an AccountStoreError (from any installed copy of this package). */
export function isAccountStoreError(value: unknown): value is AccountStoreError {
  return AccountStoreError.isInstance(value)
}
