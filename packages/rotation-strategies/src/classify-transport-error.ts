import { chargeTransport } from "./_charge-transport.ts"
import type { Classification, ClassifyContext, Draft } from "./classification.ts"

const CODE = /^[A-Z][A-Z0-9_]{1,40}$/
const NAME = /^[A-Za-z]{1,40}$/

/**
 * Classifies an error thrown by `fetch` before any response header arrived (a reset, a refused connection, DNS,
 * TLS, or no headers in time): `transport`, so the next account is tried once and the account's health drops;
 * an isolated fault keeps the account in rotation, and only a second one in a row (within
 * `transportWindowMs`, no success between) cools it, escalating 5 s → 30 s → 2 min while faults continue. An
 * abort by the caller is `caller`. The reason names only the error's code or name, never its message (which may
 * carry a URL).
 *
 * @see DESIGN.md "What each failure gets" (network error before headers: next account once; health penalty)
 * @example
 * const cooldowns = new Map()
 * const reset = new TypeError("fetch failed", { cause: { code: "ECONNRESET" } })
 * const first = classifyTransportError(reset, { now: Date.now(), account: { id: "acc_1" }, cooldowns })
 * first.action // "next-account"
 * first.cooldown.until // now: remembered, keeps nothing out
 * cooldowns.set(first.key, first.cooldown)
 * // A second one before acc_1 serves again: it is skipped for 5 s (less up to 25 % jitter).
 * classifyTransportError(reset, { now: Date.now(), account: { id: "acc_1" }, cooldowns }).cooldown.level // 2
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
    const what =
      name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT"
        ? `No response headers in time (${code ?? name})`
        : `A network error before response headers (${code ?? name ?? "unknown error"})`
    return chargeTransport(draft, context, what)
  } catch {
    // Reached only when an injected function (random) or a hostile error object throws.
    delete draft.key
    delete draft.cooldown
    draft.scope = "account"
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
