import { OAUTH_PKCE_ERROR_CODES, OAuthPkceError } from "./oauth-pkce-error.ts"

/**
 * Reads an authorization response out of what a user pasted: the whole redirect address from the browser's
 * address bar, its query string, or `code#state`. A bare code is refused: without `state` it cannot be matched.
 */
export function _parsePastedCallback(text: string): URLSearchParams {
  const value = text.trim()
  if (/^https?:\/\//i.test(value)) {
    try {
      const query = new URL(value).searchParams
      if (query.has("code") || query.has("error")) return query
    } catch {
      // not a URL after all: try the other forms
    }
  }
  const query = value.startsWith("?") ? value.slice(1) : value
  if (/(^|&)(code|error)=/.test(query)) return new URLSearchParams(query)
  const hash = value.indexOf("#")
  if (hash > 0 && hash < value.length - 1 && !/\s/.test(value)) {
    return new URLSearchParams({ code: value.slice(0, hash), state: value.slice(hash + 1) })
  }
  throw new OAuthPkceError(
    OAUTH_PKCE_ERROR_CODES.PASTED_CODE_INVALID,
    "The pasted text holds no authorization response. Paste the whole address the browser was sent to (it starts with http://127.0.0.1:), including everything after the ?.",
  )
}
