const MARKER = Symbol.for("keyrelay.error.OpencodePluginError")

/** Stable codes of every OpencodePluginError; match on these, never on messages. */
export const OPENCODE_PLUGIN_ERROR_CODES = {
  /** What was typed into an OpenCode sign-in prompt cannot be used (an empty label, a malformed command). */
  INVALID_INPUT: "ERR_PLUGIN_INVALID_INPUT",
  /** The pasted text is not a Console API key (`sk-ant-api…`). */
  INVALID_KEY: "ERR_PLUGIN_INVALID_KEY",
  /** The pasted text is a Claude subscription or admin token, which keyrelay never pools. */
  FORBIDDEN_CREDENTIAL: "ERR_PLUGIN_FORBIDDEN_CREDENTIAL",
  /** keyrelay's store could not be opened or written (its own error is the `cause`). */
  STORE_UNAVAILABLE: "ERR_PLUGIN_STORE_UNAVAILABLE",
  /** A federation sign-in to the user's identity provider did not complete. */
  SIGN_IN_FAILED: "ERR_PLUGIN_SIGN_IN_FAILED",
} as const

/** One of OPENCODE_PLUGIN_ERROR_CODES. */
export type OpencodePluginErrorCode =
  (typeof OPENCODE_PLUGIN_ERROR_CODES)[keyof typeof OPENCODE_PLUGIN_ERROR_CODES]

/**
 * The one error class of `opencode-keyrelay`. OpenCode shows its message after "Failed to authorize:", so a
 * message says what went wrong and what to do next, and never contains a secret; `cause` carries the underlying
 * error. It is internal: the plugin entry may export plugin functions only.
 */
export class OpencodePluginError extends Error {
  readonly code: OpencodePluginErrorCode
  readonly [MARKER] = true

  constructor(code: OpencodePluginErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "OpencodePluginError"
    this.code = code
  }

  /** Recognises an OpencodePluginError even when it comes from another installed copy of this package. */
  static isInstance(value: unknown): value is OpencodePluginError {
    return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true
  }
}

/** Whether `value` is an OpencodePluginError (from any installed copy of this package). */
export function isOpencodePluginError(value: unknown): value is OpencodePluginError {
  return OpencodePluginError.isInstance(value)
}
