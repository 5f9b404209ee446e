import { isOpencodeAuthMarker, type OpencodeAuthEntry } from "@keyrelay/pool-fetch/opencode-auth-marker"
import type { Notice } from "./_toaster.ts"

/** What the loader does: serve through the pool or leave OpenCode alone, and what to tell the user. */
export interface LoaderDecision {
  usePool: boolean
  /** A toast-worthy notice. */
  notice?: Notice
  /** A line for OpenCode's log only. */
  log?: string
}

/**
 * Whether OpenCode's Anthropic requests go through the pool, from OpenCode's own auth entry and whether the pool
 * has an account that can serve at all.
 *
 * - keyrelay's marker: always the pool. The marker is no key, so OpenCode alone could only fail; with no usable
 *   account the pool answers each request with an error that says what to do, and an error toast says it now.
 * - a credential of OpenCode's own (a key typed into OpenCode, another plugin's sign-in) and a usable pool: the
 *   pool serves, and the user hears once that OpenCode's own key is not used.
 * - that credential and no usable account: OpenCode is left exactly as it was.
 */
export function decideLoader(entry: OpencodeAuthEntry | undefined, usable: boolean): LoaderDecision {
  if (isOpencodeAuthMarker(entry)) {
    if (usable) return { usePool: true }
    return {
      usePool: true,
      notice: {
        level: "error",
        message:
          "OpenCode sends Anthropic requests through keyrelay, but its pool has no account that can serve (none added, or all disabled or over budget). Add one with `keyrelay add` or `opencode auth login`, or re-enable one with `keyrelay enable`.",
      },
    }
  }
  if (usable)
    return {
      usePool: true,
      notice: {
        level: "info",
        message:
          "keyrelay's pool serves Anthropic; the credential OpenCode stored itself is not used while the pool has accounts (`keyrelay opencode setup --import-key` moves it into the pool).",
      },
    }
  return {
    usePool: false,
    log: "keyrelay's pool has no account that can serve; OpenCode uses its own Anthropic credential.",
  }
}
