import { DEFAULT_STRATEGY, isStrategyName, STRATEGY_NAMES } from "@keyrelay/pool-fetch/strategy-names"
import { usageError } from "./cli-error.ts"

/** What each strategy does, for `keyrelay strategy` and `rules add --strategy`. */
export const STRATEGY_HELP: Readonly<Record<string, string>> = {
  sticky: "keep using one account until it cannot serve, then the next (best for prompt caching)",
  "round-robin": "take turns",
  hybrid: "weigh health, headroom, priority and recent use",
  headroom: "the account whose limit group has the most rate limit left",
  priority: "the highest priority that can serve",
}

/** Checks a strategy name. @throws CliError ERR_CLI_USAGE */
export function checkStrategy(name: string): string {
  if (!isStrategyName(name)) {
    throw usageError(`Unknown strategy "${name}"; choose one of ${STRATEGY_NAMES.join(", ")}.`)
  }
  return name
}

export { DEFAULT_STRATEGY, isStrategyName, STRATEGY_NAMES }
