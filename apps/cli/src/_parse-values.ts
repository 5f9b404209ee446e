import { usageError } from "./cli-error.ts"

/** A number ≥ 0 (a budget in USD, seconds). @throws CliError ERR_CLI_USAGE */
export function parseNonNegative(text: string, what: string): number {
  const value = Number(text)
  if (text.trim() === "" || !Number.isFinite(value) || value < 0)
    throw usageError(`${what} must be a number ≥ 0.`)
  return value
}

/** An integer, at least `min`. @throws CliError ERR_CLI_USAGE */
export function parseInteger(text: string, what: string, min = Number.MIN_SAFE_INTEGER): number {
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || value < min) {
    throw usageError(`${what} must be a whole number${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ""}.`)
  }
  return value
}

/**
 * Checks a base URL as the pool will use it: https, or http to loopback only; no credentials, query or
 * fragment. The error never repeats the URL (a mistyped one can hold a secret).
 *
 * @throws CliError ERR_CLI_USAGE
 */
export async function parseBaseUrl(text: string): Promise<string> {
  const { normalizeBaseUrl } = await import("@keyrelay/pool-fetch")
  try {
    return normalizeBaseUrl(text)
  } catch (error) {
    throw usageError(`--base-url: ${error instanceof Error ? error.message : "not a usable URL"}`)
  }
}
