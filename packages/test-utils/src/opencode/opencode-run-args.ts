import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"

/** `--log-level` values of OpenCode. */
export type OpencodeLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR"

/** Options of {@link buildOpencodeRunArgs}. */
export interface BuildOpencodeRunArgsOptions {
  prompt: string | readonly string[]
  model: string
  logLevel: OpencodeLogLevel
  title?: string
  args?: readonly string[]
}

/**
 * Builds the argv of `opencode run`: logs on stderr, the model, an optional `--title`, extra arguments, then
 * `--` and the prompt as separate words (so a word may start with `-`). OpenCode 1.18.33 joins its message words and wraps any word that contains a
 * space in quotes, so `"say hi"` as one argument would reach the model as `"say hi"`, quotes included.
 *
 * @throws {TestUtilsError} `ERR_OPENCODE_INVALID_OPTIONS` when the prompt has no words.
 */
export function buildOpencodeRunArgs(options: BuildOpencodeRunArgsOptions): string[] {
  const parts = typeof options.prompt === "string" ? [options.prompt] : [...options.prompt]
  const words = parts.flatMap((part) => part.split(/\s+/)).filter((word) => word.length > 0)
  if (words.length === 0) {
    throw new TestUtilsError(
      TEST_UTILS_ERROR_CODES.OPENCODE_INVALID_OPTIONS,
      "the prompt is empty; pass some words",
    )
  }
  return [
    "run",
    "--print-logs",
    "--log-level",
    options.logLevel,
    "--model",
    options.model,
    ...(options.title === undefined ? [] : ["--title", options.title]),
    ...(options.args ?? []),
    "--",
    ...words,
  ]
}
