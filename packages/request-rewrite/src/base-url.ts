import { createMemo } from "./_memo.ts"
import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"

/** Where requests go when an account names no base URL. */
export const DEFAULT_BASE_URL = "https://api.anthropic.com"

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/**
 * Checks and normalizes an account's base URL: `https://` to any host, or `http://` to loopback only
 * (`127.0.0.0/8`, `[::1]`, `localhost`), optionally with a path prefix for a gateway; no user name, password,
 * query or fragment. Returns the origin plus the path prefix without a trailing slash. Error messages never repeat
 * the URL, since a mistyped one can hold a secret.
 *
 * @param baseUrl the account's base URL; `undefined` means {@link DEFAULT_BASE_URL}.
 * @example
 * normalizeBaseUrl("https://gateway.example.com/anthropic/") // "https://gateway.example.com/anthropic"
 * normalizeBaseUrl(undefined) // "https://api.anthropic.com"
 * @throws {RequestRewriteError} `ERR_REWRITE_INVALID_BASE_URL` when it cannot be parsed, is not http(s), or has
 * credentials, a query or a fragment; `ERR_REWRITE_INSECURE_BASE_URL` when it is `http://` to a remote host.
 */
export function normalizeBaseUrl(baseUrl: string | undefined): string {
  const { origin, prefix } = parseBaseUrl(baseUrl)
  return origin + prefix
}

/** The parts of a checked base URL: `origin` and a path `prefix` that is empty or starts with "/" and has none at its end. */
export interface BaseUrlParts {
  readonly origin: string
  readonly prefix: string
}

const parsed = createMemo<BaseUrlParts>(64)

export function parseBaseUrl(baseUrl: string | undefined): BaseUrlParts {
  const value = baseUrl ?? DEFAULT_BASE_URL
  if (typeof value === "string") {
    const known = parsed.get(value)
    if (known !== undefined) return known
  }
  const invalid = (why: string) =>
    new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_BASE_URL,
      `The account's base URL ${why}; set it to an https:// URL such as ${DEFAULT_BASE_URL} (a gateway may add a path).`,
    )
  if (typeof value !== "string") throw invalid("is not a string")
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // The parser's own error repeats the input, so it is not kept as the cause.
    throw invalid("is not a valid absolute URL")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("is not an http(s) URL")
  if (url.username !== "" || url.password !== "") throw invalid("contains a user name or password")
  if (url.search !== "") throw invalid("has a query string")
  if (url.hash !== "") throw invalid("has a fragment")
  if (url.protocol === "http:" && !isLoopbackHostname(url.hostname))
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INSECURE_BASE_URL,
      "The account's base URL uses plain http:// for a host that is not loopback, so credentials would cross the " +
        "network unencrypted; use https:// (http:// is allowed only for 127.0.0.1, [::1] and localhost).",
    )
  return parsed.set(value, Object.freeze({ origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") }))
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || LOOPBACK_IPV4.test(hostname)
}
