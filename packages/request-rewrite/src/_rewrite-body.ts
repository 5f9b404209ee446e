import { bodyText } from "./_body-text.ts"
import { mayHaveInvalidToolName } from "./_scan-tool-names.ts"
import { requestToolNameSites } from "./_tool-name-sites.ts"
import { sanitizeToolNames } from "./tool-name.ts"

/** The outgoing body and, when tool names had to be made valid, the map from each new name to the original. */
export interface RewrittenBody {
  readonly body: unknown
  readonly toolNames: ReadonlyMap<string, string> | undefined
}

/**
 * Makes every tool name in a JSON request body valid. The body is returned as it came (the same string, bytes or
 * stream) unless a name had to change; only then is it parsed and serialized, once. Bodies that are not a string or
 * bytes, or not JSON, pass through untouched.
 */
export function rewriteBody(body: unknown): RewrittenBody {
  const text = bodyText(body)
  if (text === undefined || !mayHaveInvalidToolName(text)) return { body, toolNames: undefined }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { body, toolNames: undefined }
  }
  const sites = requestToolNameSites(parsed)
  const renames = sanitizeToolNames(sites.map((site) => site.holder[site.key] as string))
  if (renames.size === 0) return { body, toolNames: undefined }
  for (const site of sites) {
    const renamed = renames.get(site.holder[site.key] as string)
    if (renamed !== undefined) site.holder[site.key] = renamed
  }
  const toolNames = new Map<string, string>()
  for (const [original, renamed] of renames) toolNames.set(renamed, original)
  return { body: JSON.stringify(parsed), toolNames }
}
