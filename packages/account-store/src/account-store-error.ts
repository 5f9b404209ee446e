const MARKER = Symbol.for("keyrelay.error.AccountStoreError")

/** Stable codes of every AccountStoreError; match on these, never on messages. */
export const ACCOUNT_STORE_ERROR_CODES = {
  /** An option passed to a factory is missing or malformed. */
  INVALID_OPTIONS: "ERR_STORE_INVALID_OPTIONS",
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
