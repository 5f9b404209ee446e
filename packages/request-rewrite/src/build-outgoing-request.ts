import { checkBetas, mergeBetas } from "./_betas.ts"
import { logSafeHeaders } from "./_log-safe-headers.ts"
import { readHeaders } from "./_read-headers.ts"
import { rewriteBody } from "./_rewrite-body.ts"
import { targetUrl } from "./_target-url.ts"
import { checkHost, userAgent } from "./_user-agent.ts"
import { parseBaseUrl } from "./base-url.ts"
import { CREDENTIAL_HEADERS, type Credential, credentialHeader, OAUTH_BETA } from "./credential.ts"
import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"

/** The `anthropic-version` sent when the caller sets none; still the only current version. */
export const ANTHROPIC_VERSION = "2023-06-01"

/** What request-rewrite needs to know about the account that serves a request. */
export interface AccountTarget {
  /** Where the account's requests go (a gateway or regional endpoint, may include a path); default `https://api.anthropic.com`. */
  readonly baseUrl?: string | undefined
  /** Betas this account always sends, after the caller's. */
  readonly betas?: readonly string[] | undefined
}

/** Input of {@link buildOutgoingRequest}: the request as the host made it, and the account chosen to serve it. */
export interface BuildOutgoingRequestOptions {
  /** The URL the host called; only its path and query are kept. A `Request` is not accepted: pass its URL and init. */
  readonly url: string | URL
  /** The host's init: headers as a plain object, a `Headers` or pairs; body as a string, bytes or absent. */
  readonly init?: RequestInit | undefined
  readonly account?: AccountTarget | undefined
  /** The account's resolved credential. */
  readonly credential: Credential
  /** Betas from keyrelay's configuration, after the caller's and the account's. */
  readonly betas?: readonly string[] | undefined
  /** The host application as a user-agent product, e.g. `opencode` or `opencode/1.18.33`. */
  readonly host?: string | undefined
}

/** The init of an outgoing request: the caller's, with rebuilt headers and redirects returned to the caller. */
export type OutgoingInit = Omit<RequestInit, "headers" | "redirect" | "credentials"> & {
  /** Lowercased names. Serializing this object (JSON, `console.log`) shows the credential as `[redacted]`. */
  readonly headers: Record<string, string>
  readonly redirect: "manual"
  readonly credentials: "omit"
}

/** What {@link buildOutgoingRequest} returns: pass `url` and `init` to fetch, and keep `toolNames` for the response. */
export interface OutgoingRequest {
  readonly url: string
  readonly init: OutgoingInit
  /** Present only when tool names had to be made valid: sanitized name → the caller's original name. */
  readonly toolNames?: ReadonlyMap<string, string>
}

// Removed from what the caller sent: credentials (replaced by the account's), and headers that would be stale
// once the target and body change (fetch sets them).
const DROPPED = new Set([...CREDENTIAL_HEADERS, "host", "content-length"])

/**
 * Builds the request that goes to the API for one account, from the request the host made. Pure and synchronous.
 *
 * - The URL is the account's base URL (default `https://api.anthropic.com`) joined with the incoming path and
 *   query; the incoming origin is replaced, so the request always goes to the base URL's origin.
 * - Every credential the caller set (`x-api-key`, `authorization`, `proxy-authorization`, `cookie`) is removed and
 *   the account's is set: `x-api-key` for a key, `Authorization: Bearer` plus the `oauth-2025-04-20` beta for a
 *   token. `redirect: "manual"`, so a redirect comes back to the caller and the credential never follows it.
 * - `anthropic-version: 2023-06-01` when missing; `anthropic-beta` merged from caller, account and configuration,
 *   de-duplicated in that order; `user-agent` is the caller's with the host and `keyrelay/<version>` appended.
 * - Tool names that do not match `^[a-zA-Z0-9_-]{1,64}$` are made valid everywhere they appear, and `toolNames`
 *   maps them back. Otherwise the body is passed through as it came, without being parsed.
 *
 * @example
 * const { url, init, toolNames } = buildOutgoingRequest({
 *   url: "https://api.anthropic.com/v1/messages",
 *   init: { method: "POST", headers: { "content-type": "application/json", "x-api-key": "" }, body: "{}" },
 *   credential: { type: "api-key", key: "sk-ant-api03-test-example" },
 *   host: "opencode",
 * })
 * const response = await fetch(url, init)
 * @see https://platform.claude.com/docs/en/api/overview#authentication (headers), reference §4 and §6
 * @throws {RequestRewriteError} `ERR_REWRITE_INVALID_BASE_URL` or `ERR_REWRITE_INSECURE_BASE_URL` for a bad base
 * URL, `ERR_REWRITE_INVALID_URL` for an unparseable request URL, `ERR_REWRITE_INVALID_CREDENTIAL` for an empty or
 * malformed credential, `ERR_REWRITE_INVALID_OPTIONS` for any other malformed option. No message contains a secret.
 */
export function buildOutgoingRequest(options: BuildOutgoingRequestOptions): OutgoingRequest {
  if (typeof options !== "object" || options === null)
    throw invalidOptions(
      "buildOutgoingRequest needs an options object with url, credential and optionally init.",
    )
  const { url, init, account, credential, betas, host } = options
  if (typeof url !== "string" && !isUrl(url))
    throw invalidOptions(
      "The url must be a string or URL; for a Request, pass its URL and an init with its body.",
    )
  if (init !== undefined && (typeof init !== "object" || init === null))
    throw invalidOptions("The init must be an object like fetch's second argument, or absent.")
  if (account !== undefined && (typeof account !== "object" || account === null))
    throw invalidOptions("The account must be an object with an optional baseUrl and betas.")
  const auth = credentialHeader(credential)
  const hostProduct = checkHost(host)
  const accountBetas = checkBetas(account?.betas, "account's")
  const configBetas = checkBetas(betas, "configured")
  const base = parseBaseUrl(account?.baseUrl)
  const outgoingUrl = targetUrl(base, url)

  const incoming = readHeaders(init?.headers)
  const headers: [string, string][] = []
  for (const [name, value] of incoming) {
    if (DROPPED.has(name) || name === "anthropic-beta" || name === "user-agent") continue
    if (name === "anthropic-version" && value.trim() === "") continue
    headers.push([name, value])
  }
  if (!headers.some(([name]) => name === "anthropic-version"))
    headers.push(["anthropic-version", ANTHROPIC_VERSION])
  const beta = mergeBetas([
    incoming.has("anthropic-beta") ? [incoming.get("anthropic-beta") as string] : [],
    accountBetas,
    configBetas,
    auth.name === "authorization" ? [OAUTH_BETA] : [],
  ])
  if (beta !== "") headers.push(["anthropic-beta", beta])
  headers.push(["user-agent", userAgent(incoming.get("user-agent"), hostProduct)])
  headers.push([auth.name, auth.value])

  const { body, toolNames } = rewriteBody(init?.body)
  const outgoingInit: RequestInit = { ...init }
  // Assigned rather than spread in conditionally: an object literal with a second spread is built the slow way.
  if (body !== init?.body) outgoingInit.body = body as string
  outgoingInit.headers = logSafeHeaders(headers)
  outgoingInit.redirect = "manual"
  outgoingInit.credentials = "omit"
  return toolNames === undefined
    ? { url: outgoingUrl, init: outgoingInit as OutgoingInit }
    : { url: outgoingUrl, init: outgoingInit as OutgoingInit, toolNames }
}

function isUrl(value: unknown): value is URL {
  return Object.prototype.toString.call(value) === "[object URL]"
}

function invalidOptions(message: string): RequestRewriteError {
  return new RequestRewriteError(REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS, message)
}
