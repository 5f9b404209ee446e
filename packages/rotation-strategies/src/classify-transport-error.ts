import type { Classification, ClassifyContext, Draft } from "./classification.ts"
import { transport } from "./classify-response.ts"

const CODE = /^[A-Z][A-Z0-9_]{1,40}$/
const NAME = /^[A-Za-z]{1,40}$/

/**
 * Classifies an error thrown by `fetch` before any response header arrived: `transport` (the account is skipped
 * briefly, its health drops, the next account is tried once), or `caller` when the caller aborted. The reason
 * names only the error's code or name, never its message (which may carry a URL).
 *
 * @see DESIGN.md "What each failure gets" (network error before headers)
 * @example
 * classifyTransportError(new TypeError("fetch failed", { cause: { code: "ECONNRESET" } }), { now: Date.now() })
 * // { class: "transport", action: "next-account", … }
 */
export function classifyTransportError(error: unknown, context: ClassifyContext): Classification {
  const draft: Draft = { class: "transport", scope: "none", action: "return", health: "none", reason: "" }
  const name = nameOf(error)
  if (name === "AbortError") {
    draft.class = "caller"
    draft.reason = "The caller aborted the request; nothing is charged to the account."
    return draft
  }
  try {
    const code = codeOf(error)
    const what = code ?? name ?? "unknown error"
    return transport(draft, context, `A network error before response headers (${what})`)
  } catch {
    draft.reason = "A network error before response headers; it could not be charged to the account."
    draft.action = "next-account"
    draft.health = "failure"
    return draft
  }
}

function nameOf(error: unknown): string | undefined {
  try {
    const name = (error as { name?: unknown } | null)?.name
    return typeof name === "string" && NAME.test(name) ? name : undefined
  } catch {
    return undefined
  }
}

function codeOf(error: unknown): string | undefined {
  try {
    let current: unknown = error
    for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
      const code = (current as { code?: unknown }).code
      if (typeof code === "string" && CODE.test(code)) return code
      current = (current as { cause?: unknown }).cause
    }
  } catch {
    // A hostile getter: no code.
  }
  return undefined
}
