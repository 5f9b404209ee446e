import { createMemo, type Memo } from "./_memo.ts"
import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"
import { VERSION } from "./version.ts"

// RFC 9110 §10.1.5: product = token [ "/" product-version ], token = 1*tchar.
const PRODUCT = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)?$/

/** Per host (a checked product token, or "" for none), the user-agent made of each caller's. */
const agents = createMemo<Memo<string>>(16)

/**
 * The caller's user-agent, unchanged, followed by the host's product (when given and not already named) and
 * `keyrelay/<version>` (unless a keyrelay product is already named). Nothing is removed or disguised.
 */
export function userAgent(caller: string | undefined, host: string | undefined): string {
  const ofHost = agents.get(host ?? "") ?? agents.set(host ?? "", createMemo<string>(64))
  const key = caller ?? ""
  return ofHost.get(key) ?? ofHost.set(key, buildUserAgent(caller, host))
}

function buildUserAgent(caller: string | undefined, host: string | undefined): string {
  const products = (caller ?? "").trim()
  const named = new Set(
    products
      .split(/\s+/)
      .filter((part) => part !== "")
      .map(productName),
  )
  const parts = products === "" ? [] : [products]
  if (host !== undefined && !named.has(productName(host))) {
    parts.push(host)
    named.add(productName(host))
  }
  if (!named.has("keyrelay")) parts.push(`keyrelay/${VERSION}`)
  return parts.join(" ")
}

export function checkHost(host: unknown): string | undefined {
  if (host === undefined) return undefined
  if (typeof host !== "string" || !PRODUCT.test(host))
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS,
      'The host must be a user-agent product token such as "opencode" or "opencode/1.18.33" (letters, digits ' +
        "and !#$%&'*+.^_`|~- with one optional /version).",
    )
  return host
}

function productName(product: string): string {
  const slash = product.indexOf("/")
  return (slash === -1 ? product : product.slice(0, slash)).toLowerCase()
}
