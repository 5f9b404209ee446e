import { DEFAULT_PRICING, type ModelPrice, type PriceLevel } from "./default-pricing.ts"

/** The usage a cost is computed from; sse-transform's `StreamUsage` fits. Missing counts are 0. */
export interface CostUsage {
  readonly inputTokens?: number
  readonly outputTokens?: number
  /** All cache writes; the part not broken down into 5 m / 1 h is billed as 5 m (the API's default lifetime). */
  readonly cacheCreationTokens?: number
  readonly cacheCreation5mTokens?: number
  readonly cacheCreation1hTokens?: number
  readonly cacheReadTokens?: number
  readonly webSearchRequests?: number
  /** `inference_geo`; `us` costs more on 4.6+ models. */
  readonly inferenceGeo?: string | null
  /** `speed`; `fast` has prices of its own. */
  readonly speed?: string | null
}

/** A price table: model id globs (`*` matches anything) → prices; the user's overrides, then the defaults. */
export type PriceTable = Readonly<Record<string, PriceLevel | ModelPrice>>

/** A compiled price table: `priceOf(model)` finds the entry, `costOf(model, usage)` computes a cost. */
export interface Pricing {
  /** The prices that apply to a model id, or `undefined` when none is known. */
  priceOf(model: string): ModelPrice | undefined
  /** Integer micro-USD for one response, or `undefined` for a model without a price. */
  costOf(model: string, usage: CostUsage): number | undefined
}

const DATED = /[-@]\d{8}$/

function compileGlob(glob: string): RegExp {
  const source = glob
    .trim()
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
  return new RegExp(`^${source}$`)
}

/**
 * Compiles a price table: the user's `overrides` (model id globs such as `claude-opus-4-*`, from account-store's
 * `config.pricing`) are tried first in their order, then the built-in {@link DEFAULT_PRICING}; an id is tried as
 * given (lower-cased) and without its `-YYYYMMDD` snapshot date. Lookups are cached.
 *
 * @see reference/anthropic-api.md §7 "Model pricing"
 * @example
 * const pricing = createPricing({ "claude-sonnet-4-5*": { inputPerMTok: 2, outputPerMTok: 10 } })
 * pricing.costOf("claude-sonnet-4-5-20250929", { inputTokens: 1000, outputTokens: 100 }) // 3000
 */
export function createPricing(overrides: PriceTable = {}, defaults: PriceTable = DEFAULT_PRICING): Pricing {
  const globs = Object.entries(overrides).map(([glob, entry]) => ({ test: compileGlob(glob), entry }))
  const cache = new Map<string, ModelPrice | undefined>()
  const find = (id: string, undated: string): ModelPrice | undefined => {
    for (const { test, entry } of globs) if (test.test(id) || test.test(undated)) return entry
    if (Object.hasOwn(defaults, id)) return defaults[id]
    return Object.hasOwn(defaults, undated) ? defaults[undated] : undefined
  }
  const priceOf = (model: string): ModelPrice | undefined => {
    if (cache.has(model)) return cache.get(model)
    const id = typeof model === "string" ? model.trim().toLowerCase() : ""
    const found = id === "" ? undefined : find(id, id.replace(DATED, ""))
    if (cache.size > 1000) cache.clear()
    cache.set(model, found)
    return found
  }
  return {
    priceOf,
    costOf(model, usage) {
      const entry = priceOf(model)
      return entry === undefined ? undefined : costWith(entry, usage)
    },
  }
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0
}

/** The cost of one response at `entry`'s prices, in integer micro-USD (1 USD per MTok = 1 micro-USD per token). */
export function costWith(entry: ModelPrice, usage: CostUsage): number {
  const input = count(usage.inputTokens)
  const output = count(usage.outputTokens)
  const write1h = count(usage.cacheCreation1hTokens)
  const write5m = Math.max(count(usage.cacheCreation5mTokens), count(usage.cacheCreationTokens) - write1h)
  const read = count(usage.cacheReadTokens)
  const searches = count(usage.webSearchRequests)
  const prompt = input + write5m + write1h + read
  const long =
    entry.longPrompt !== undefined &&
    entry.longPromptAboveTokens !== undefined &&
    prompt > entry.longPromptAboveTokens
  let base: PriceLevel = long ? (entry.longPrompt as PriceLevel) : entry
  if (usage.speed === "fast" && entry.fast !== undefined) {
    const ratio = entry.fast.inputPerMTok / entry.inputPerMTok
    base = {
      inputPerMTok: entry.fast.inputPerMTok,
      outputPerMTok: entry.fast.outputPerMTok,
      cacheWrite5mPerMTok: write5mPrice(entry) * ratio,
      cacheWrite1hPerMTok: write1hPrice(entry) * ratio,
      cacheReadPerMTok: readPrice(entry) * ratio,
      webSearchPerThousand: searchPrice(entry),
    }
  }
  const tokens =
    input * base.inputPerMTok +
    output * base.outputPerMTok +
    write5m * write5mPrice(base) +
    write1h * write1hPrice(base) +
    read * readPrice(base)
  const geo = usage.inferenceGeo === "us" ? (entry.usGeoMultiplier ?? 1) : 1
  // Web search is a per-use fee, not a token category: data residency does not multiply it.
  return Math.round(tokens * geo + searches * searchPrice(base) * 1000)
}

function write5mPrice(level: PriceLevel): number {
  return level.cacheWrite5mPerMTok ?? level.inputPerMTok * 1.25
}
function write1hPrice(level: PriceLevel): number {
  return level.cacheWrite1hPerMTok ?? level.inputPerMTok * 2
}
function readPrice(level: PriceLevel): number {
  return level.cacheReadPerMTok ?? level.inputPerMTok * 0.1
}
function searchPrice(level: PriceLevel): number {
  return level.webSearchPerThousand ?? 10
}

const shared = createPricing()

/**
 * The cost of one response at the built-in prices, in integer micro-USD; `undefined` for an unknown model (record
 * its usage as unpriced). Use {@link createPricing} to apply a user's overrides.
 *
 * @see reference/anthropic-api.md §7 "Model pricing"
 * @example
 * costOf("claude-sonnet-4-5", { inputTokens: 1200, outputTokens: 300 }) // 8100 (= $0.0081)
 */
export function costOf(model: string, usage: CostUsage): number | undefined {
  return shared.costOf(model, usage)
}
