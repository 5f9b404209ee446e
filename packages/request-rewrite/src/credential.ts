import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"

/**
 * A resolved credential: a Console API key (kinds `api-key`, `env`, `command`), sent as `x-api-key`, or a
 * short-lived access token (kinds `profile`, `federation`), sent as `Authorization: Bearer`.
 *
 * @see https://platform.claude.com/docs/en/api/overview#authentication
 */
export type Credential =
  | { readonly type: "api-key"; readonly key: string }
  | { readonly type: "bearer"; readonly token: string }

/**
 * The beta the official TypeScript SDK adds to every request it authenticates with a bearer token; keyrelay adds
 * it the same way, and only then.
 *
 * @see `src/client.ts` `prepareRequest()` in anthropic-sdk-typescript (reference §4, `anthropic-beta`)
 */
export const OAUTH_BETA = "oauth-2025-04-20"

/**
 * Request headers that carry a credential. Whatever the caller put in them is removed from every outgoing request,
 * whatever the target: `x-api-key` (OpenCode sends an empty one), `authorization`, `proxy-authorization` and
 * `cookie`. The account's own credential is then set in `x-api-key` or `authorization`.
 */
export const CREDENTIAL_HEADERS: readonly string[] = Object.freeze([
  "x-api-key",
  "authorization",
  "proxy-authorization",
  "cookie",
])

// A header value that fetch accepts everywhere and no log can misread: visible ASCII, no spaces.
const HEADER_SAFE = /^[\x21-\x7e]+$/

/** The header that carries `credential`, checked; errors never contain the secret. */
export function credentialHeader(credential: unknown): {
  name: "x-api-key" | "authorization"
  value: string
} {
  if (typeof credential !== "object" || credential === null)
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS,
      'The credential is missing; pass { type: "api-key", key } or { type: "bearer", token }.',
    )
  const { type } = credential as { type?: unknown }
  if (type === "api-key") {
    const key = checkSecret((credential as { key?: unknown }).key, "API key")
    return { name: "x-api-key", value: key }
  }
  if (type === "bearer") {
    const token = checkSecret((credential as { token?: unknown }).token, "bearer token")
    return { name: "authorization", value: `Bearer ${token}` }
  }
  throw new RequestRewriteError(
    REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS,
    'The credential type is not "api-key" or "bearer"; pass { type: "api-key", key } or { type: "bearer", token }.',
  )
}

function checkSecret(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "")
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_CREDENTIAL,
      `The ${what} is empty or not a string; check where the account's credential is resolved.`,
    )
  if (!HEADER_SAFE.test(value))
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_CREDENTIAL,
      `The ${what} contains whitespace, control or non-ASCII characters, which a header cannot carry; trim the ` +
        "value where it is read (a command's trailing newline is the usual cause).",
    )
  return value
}
