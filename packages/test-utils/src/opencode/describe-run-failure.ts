import { stripVTControlCharacters } from "node:util"
import type { OpencodeRunResult } from "./run-opencode.ts"

const TAIL_LINES = 30
const MAX_LINE = 400

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line)

/** Options of {@link describeRunFailure}. */
export interface DescribeRunFailureOptions {
  timeoutMs: number
  /** Values that must not appear in the message (auth.json keys); each is replaced by `[redacted]`. */
  secrets?: readonly string[]
}

/**
 * Says why a run failed, for an error message: exit code, signal or timeout, the sandbox if it was kept,
 * OpenCode's own stderr messages, and the tail of its `--print-logs` output, with the given secrets redacted.
 */
export function describeRunFailure(
  result: Pick<
    OpencodeRunResult,
    "exitCode" | "signal" | "timedOut" | "durationMs" | "isolated" | "stderr" | "sandbox"
  >,
  options: DescribeRunFailureOptions,
): string {
  const how = result.timedOut
    ? `did not finish within ${options.timeoutMs} ms and its process group was killed`
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with code ${result.exitCode}`
  const where = result.sandbox.kept ? `; sandbox kept at ${result.sandbox.root}` : ""
  let stderr = stripVTControlCharacters(result.stderr)
  // Redact before clipping, so a clipped line never shows part of a secret.
  for (const secret of options.secrets ?? []) stderr = stderr.split(secret).join("[redacted]")
  const lines = stderr.split("\n")
  const messages = lines
    .filter((line) => line.trim() !== "" && !line.startsWith("timestamp="))
    .slice(-10)
    .map(clip)
  const logs = lines
    .filter((line) => line.startsWith("timestamp="))
    .slice(-TAIL_LINES)
    .map(clip)
  return (
    `opencode run ${how} after ${(result.durationMs / 1000).toFixed(1)} s ` +
    `(${result.isolated ? "in a loopback-only network namespace" : "not isolated"}${where})` +
    (messages.length > 0 ? `\nOpenCode said:\n  ${messages.join("\n  ")}` : "") +
    (logs.length > 0 ? `\nlast ${logs.length} log lines:\n  ${logs.join("\n  ")}` : "\n(no log lines)")
  )
}
