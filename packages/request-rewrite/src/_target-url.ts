import { createMemo, type Memo } from "./_memo.ts"
import type { BaseUrlParts } from "./base-url.ts"
import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"

// Only used to resolve a relative incoming URL ("/v1/messages"); never contacted, never returned.
const RELATIVE_BASE = "http://incoming.invalid"

/** Per base URL (parseBaseUrl hands out one object per base URL), the target of each incoming URL. */
const targets = new WeakMap<BaseUrlParts, Memo<string>>()

/**
 * The outgoing URL: the base URL joined with the incoming path and query (the incoming origin is replaced). When
 * the incoming URL is already under the base URL (same origin and path prefix), the prefix is not repeated.
 */
export function targetUrl(base: BaseUrlParts, incoming: string | URL): string {
  const key = String(incoming)
  let known = targets.get(base)
  if (known === undefined) {
    known = createMemo<string>(64)
    targets.set(base, known)
  }
  return known.get(key) ?? known.set(key, joinTarget(base, incoming))
}

function joinTarget(base: BaseUrlParts, incoming: string | URL): string {
  const invalid = (why: string) =>
    new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_URL,
      `The request URL ${why}; pass the URL of an API call such as ${base.origin}/v1/messages.`,
    )
  let url: URL
  try {
    url = new URL(String(incoming), RELATIVE_BASE)
  } catch {
    // The parser's own error repeats the input, which may carry a token, so it is not kept as the cause.
    throw invalid("cannot be parsed")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("is not an http(s) URL")
  let path = url.pathname
  if (url.origin === base.origin && (path === base.prefix || path.startsWith(`${base.prefix}/`)))
    path = path.slice(base.prefix.length)
  const target = new URL(`${base.origin}${base.prefix}${path}${url.search}`)
  // By construction the origin cannot change; checked anyway because a credential rides on this answer.
  if (target.origin !== base.origin) throw invalid("would leave the account's origin")
  return target.href
}
