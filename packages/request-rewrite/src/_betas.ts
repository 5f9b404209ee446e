import { REQUEST_REWRITE_ERROR_CODES, RequestRewriteError } from "./request-rewrite-error.ts"

const BETA_NAME = /^[A-Za-z0-9._-]+$/

/** Splits comma-separated beta lists and joins them in order, keeping the first of each name. */
export function mergeBetas(lists: readonly (readonly string[])[]): string {
  if (lists.every((list) => list.length === 0)) return ""
  const seen = new Set<string>()
  for (const list of lists) {
    for (const entry of list) {
      for (const part of entry.split(",")) {
        const name = part.trim()
        if (name !== "") seen.add(name)
      }
    }
  }
  return [...seen].join(",")
}

/** Checks a list of beta names given as an option; messages name the position, never the value. */
export function checkBetas(betas: unknown, owner: string): readonly string[] {
  if (betas === undefined) return []
  if (!Array.isArray(betas))
    throw new RequestRewriteError(
      REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS,
      `The ${owner} betas must be an array of beta names such as "context-1m-2025-08-07".`,
    )
  betas.forEach((beta, index) => {
    if (typeof beta !== "string" || !BETA_NAME.test(beta))
      throw new RequestRewriteError(
        REQUEST_REWRITE_ERROR_CODES.INVALID_OPTIONS,
        `Entry ${index} of the ${owner} betas is not a beta name (letters, digits, ".", "_" and "-", such as ` +
          '"context-1m-2025-08-07"); fix it in the configuration.',
      )
  })
  return betas as string[]
}
