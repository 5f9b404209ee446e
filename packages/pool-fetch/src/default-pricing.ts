/** USD per million tokens of one price level (and per thousand web searches). */
export interface PriceLevel {
  readonly inputPerMTok: number
  readonly outputPerMTok: number
  /** 5-minute cache writes; default 1.25 × input. */
  readonly cacheWrite5mPerMTok?: number
  /** 1-hour cache writes; default 2 × input. */
  readonly cacheWrite1hPerMTok?: number
  /** Cache reads (hits and refreshes); default 0.1 × input. */
  readonly cacheReadPerMTok?: number
  /** Server-side web searches; default $10 per 1,000. */
  readonly webSearchPerThousand?: number
}

/** The prices of one model: a standard level, and where they exist a long-prompt tier, fast mode and the US-geo rate. */
export interface ModelPrice extends PriceLevel {
  /** Above this many prompt tokens (input + cache writes + cache reads), the whole request is billed at `longPrompt`. */
  readonly longPromptAboveTokens?: number
  readonly longPrompt?: PriceLevel
  /** Fast mode (`speed: "fast"`) input and output; cache prices keep the standard level's ratios to input. */
  readonly fast?: { readonly inputPerMTok: number; readonly outputPerMTok: number }
  /** Every token category costs this much more with `inference_geo: "us"` (1.1 on 4.6+ models). */
  readonly usGeoMultiplier?: number
}

const GEO = 1.1

/**
 * The built-in price table, keyed by model id without a snapshot date (dated ids such as
 * `claude-haiku-4-5-20251001` find their entry). Models and prices change: this is data, and a user's
 * `config.pricing` (model id globs) overrides it.
 *
 * @see reference/anthropic-api.md §7 "Model pricing" (as of 2026-10-08)
 * @see https://platform.claude.com/docs/en/about-claude/pricing
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "claude-fable-5-1": price(10, 50, 12.5, 20, 0.25, { usGeoMultiplier: GEO }),
  "claude-mythos-5-1": price(10, 50, 12.5, 20, 0.25, { usGeoMultiplier: GEO }),
  "claude-fable-5": price(10, 50, 12.5, 20, 1, { usGeoMultiplier: GEO }),
  "claude-mythos-5": price(10, 50, 12.5, 20, 1, { usGeoMultiplier: GEO }),
  "claude-opus-5-5": price(4, 20, 5, 8, 0.2, {
    usGeoMultiplier: GEO,
    fast: { inputPerMTok: 8, outputPerMTok: 40 },
  }),
  "claude-opus-5": price(5, 25, 6.25, 10, 0.5, {
    usGeoMultiplier: GEO,
    fast: { inputPerMTok: 10, outputPerMTok: 50 },
  }),
  "claude-opus-4-8": price(5, 25, 6.25, 10, 0.5, {
    usGeoMultiplier: GEO,
    fast: { inputPerMTok: 10, outputPerMTok: 50 },
  }),
  "claude-opus-4-7": price(5, 25, 6.25, 10, 0.5, { usGeoMultiplier: GEO }),
  "claude-opus-4-6": price(5, 25, 6.25, 10, 0.5, { usGeoMultiplier: GEO }),
  "claude-opus-4-5": price(5, 25, 6.25, 10, 0.5),
  "claude-opus-4-1": price(15, 75, 18.75, 30, 1.5),
  "claude-opus-4": price(15, 75, 18.75, 30, 1.5),
  "claude-opus-4-0": price(15, 75, 18.75, 30, 1.5),
  "claude-sonnet-5-5": price(2, 10, 2.5, 4, 0.1, { usGeoMultiplier: GEO }),
  "claude-sonnet-5": price(2, 10, 2.5, 4, 0.2, { usGeoMultiplier: GEO }),
  "claude-sonnet-4-6": price(3, 15, 3.75, 6, 0.3, { usGeoMultiplier: GEO }),
  "claude-sonnet-4-5": price(3, 15, 3.75, 6, 0.3),
  "claude-sonnet-4": price(3, 15, 3.75, 6, 0.3),
  "claude-sonnet-4-0": price(3, 15, 3.75, 6, 0.3),
  "claude-haiku-5-5": price(0.1, 0.5, 0.125, 0.2, 0.01, {
    usGeoMultiplier: GEO,
    longPromptAboveTokens: 100_000,
    longPrompt: level(0.5, 2.5, 0.625, 1, 0.05),
  }),
  "claude-haiku-4-5": price(1, 5, 1.25, 2, 0.1),
  "claude-3-5-haiku": price(0.8, 4, 1, 1.6, 0.08),
})

function level(
  inputPerMTok: number,
  outputPerMTok: number,
  cacheWrite5mPerMTok: number,
  cacheWrite1hPerMTok: number,
  cacheReadPerMTok: number,
): PriceLevel {
  return Object.freeze({
    inputPerMTok,
    outputPerMTok,
    cacheWrite5mPerMTok,
    cacheWrite1hPerMTok,
    cacheReadPerMTok,
    webSearchPerThousand: 10,
  })
}

function price(
  input: number,
  output: number,
  write5m: number,
  write1h: number,
  read: number,
  extra: Omit<ModelPrice, keyof PriceLevel> = {},
): ModelPrice {
  return Object.freeze({ ...level(input, output, write5m, write1h, read), ...extra })
}
