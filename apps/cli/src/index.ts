export { CLI_ERROR_CODES, CliError, type CliErrorCode, isCliError } from "./cli-error.ts"
export type { InputStream, OutputStream, RunOptions } from "./_context.ts"
export { run } from "./run.ts"
export { VERSION } from "./version.ts"
