import type { StoredAccount } from "./_accounts-file.ts"
import { compileGlob } from "./_glob.ts"
import type { RoutingRule } from "./_rules-file.ts"

/** The request a route is resolved for. */
export interface RouteRequest {
  /** The project directory (absolute). */
  directory?: string
  /** The model id of the request. */
  model?: string
}

/** The candidates for a request: enabled accounts, in pool order, and the rule that chose them. */
export interface Route {
  accountIds: string[]
  /** The first matching rule, or absent when no rule matched and the whole pool is the candidate set. */
  ruleId?: string
  strategy?: string
}

export interface CompiledRule {
  rule: RoutingRule
  directories?: RegExp[]
  models?: RegExp[]
}

export function compileRules(rules: readonly RoutingRule[]): CompiledRule[] {
  return rules.map((rule) => {
    const compiled: CompiledRule = { rule }
    if (rule.match.directories) compiled.directories = rule.match.directories.map((g) => compileGlob(g))
    if (rule.match.models) compiled.models = rule.match.models.map((g) => compileGlob(g))
    return compiled
  })
}

function matches(patterns: RegExp[] | undefined, value: string | undefined): boolean {
  if (patterns === undefined) return true
  if (value === undefined) return false
  return patterns.some((p) => p.test(value))
}

export function resolveRoute(
  rules: readonly CompiledRule[],
  accounts: readonly StoredAccount[],
  request: RouteRequest,
): Route {
  const enabled = accounts.filter((a) => a.enabled)
  for (const { rule, directories, models } of rules) {
    const directory = request.directory?.replace(/\/+$/, "")
    if (!matches(directories, directory) || !matches(models, request.model)) continue
    const ids = new Set(rule.use.accounts ?? [])
    const tags = new Set(rule.use.tags ?? [])
    const route: Route = {
      accountIds: enabled.filter((a) => ids.has(a.id) || a.tags.some((t) => tags.has(t))).map((a) => a.id),
      ruleId: rule.id,
    }
    if (rule.strategy !== undefined) route.strategy = rule.strategy
    return route
  }
  return { accountIds: enabled.map((a) => a.id) }
}
