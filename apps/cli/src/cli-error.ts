const MARKER = Symbol.for("keyrelay.error.CliError")

/** Stable codes of every CliError; match on these, never on messages. */
export const CLI_ERROR_CODES = {
  /** The command line is wrong: unknown command or option, missing or malformed argument (exit code 2). */
  USAGE: "ERR_CLI_USAGE",
  /** A secret was passed as a command-line argument, where other users and shell history can read it (exit 2). */
  SECRET_IN_ARGV: "ERR_CLI_SECRET_IN_ARGV",
  /** No account matches the label or id given. */
  ACCOUNT_NOT_FOUND: "ERR_CLI_ACCOUNT_NOT_FOUND",
  /** A label matches more than one account; use the id instead. */
  AMBIGUOUS_ACCOUNT: "ERR_CLI_AMBIGUOUS_ACCOUNT",
  /** No routing rule has this id (or position). */
  RULE_NOT_FOUND: "ERR_CLI_RULE_NOT_FOUND",
  /** Another account already has this label. */
  DUPLICATE_LABEL: "ERR_CLI_DUPLICATE_LABEL",
  /** A secret was needed but none arrived (empty stdin, or no terminal to ask on). */
  NO_SECRET: "ERR_CLI_NO_SECRET",
  /** The command needs an answer but there is no terminal to ask on; pass the flag the message names (exit 2). */
  NOT_INTERACTIVE: "ERR_CLI_NOT_INTERACTIVE",
  /** The user cancelled a prompt (Ctrl-C or Escape). */
  CANCELLED: "ERR_CLI_CANCELLED",
  /** A file given to `import` is not a keyrelay export, or is from a newer version. */
  IMPORT_INVALID: "ERR_CLI_IMPORT_INVALID",
  /** OpenCode's config or auth file could not be read or written safely. */
  OPENCODE_FILE: "ERR_CLI_OPENCODE_FILE",
  /** Sign-in to the identity provider failed or is not possible for this account. */
  LOGIN_FAILED: "ERR_CLI_LOGIN_FAILED",
  /** Reading or writing a file named on the command line failed. */
  IO_FAILED: "ERR_CLI_IO_FAILED",
  /** Something failed that the CLI did not expect; the message says what, and is worth reporting as a bug. */
  UNEXPECTED: "ERR_CLI_UNEXPECTED",
} as const

/** One of CLI_ERROR_CODES. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[keyof typeof CLI_ERROR_CODES]

const USAGE_CODES: ReadonlySet<CliErrorCode> = new Set([
  CLI_ERROR_CODES.USAGE,
  CLI_ERROR_CODES.SECRET_IN_ARGV,
  CLI_ERROR_CODES.NOT_INTERACTIVE,
])

/**
 * The one error class of the `keyrelay` CLI. Its message says what happened, to what, and what to do next, and
 * never contains a secret; `exitCode` is 2 for usage errors and 1 otherwise.
 *
 * @example
 * ```ts
 * throw new CliError(CLI_ERROR_CODES.USAGE, "Unknown command `lsit`. Run `keyrelay help` for the list.")
 * ```
 */
export class CliError extends Error {
  readonly code: CliErrorCode
  readonly [MARKER] = true

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "CliError"
    this.code = code
  }

  /** The process exit code this error ends the command with: 2 for usage errors, 1 for everything else. */
  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.code) ? 2 : 1
  }

  /** Recognises a CliError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is CliError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is a CliError (from any installed copy of this package). */
export function isCliError(value: unknown): value is CliError {
  return CliError.isInstance(value)
}

/** Shorthand for a usage error (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(CLI_ERROR_CODES.USAGE, message)
}
