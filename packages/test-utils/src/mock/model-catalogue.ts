/** One model the mock lists on `GET /v1/models` and knows the rate-limit class of. */
export interface MockModel {
  id: string
  displayName: string
  /** ISO date the model was released (the API's `created_at`). */
  createdAt: string
  /** The rate-limit bucket it shares with its siblings (reference §3, "measured per model class"). */
  modelClass: string
  maxInputTokens: number
  maxTokens: number
  /** Aliases served as this model (e.g. the undated id). */
  aliases?: string[]
}

const M = (
  id: string,
  displayName: string,
  createdAt: string,
  modelClass: string,
  maxTokens: number,
  maxInputTokens: number,
  aliases?: string[],
): MockModel => ({
  id,
  displayName,
  createdAt: `${createdAt}T00:00:00Z`,
  modelClass,
  maxInputTokens,
  maxTokens,
  ...(aliases ? { aliases } : {}),
})

/**
 * The models the mock knows, newest first as the API lists them. Includes every id OpenCode's embedded
 * catalogue sends (reference opencode-e2e.md §4) and the classes of reference §3.
 */
export const MOCK_MODELS: readonly MockModel[] = [
  M("claude-fable-5-1", "Claude Fable 5.1", "2026-09-15", "fable-5", 128_000, 1_000_000),
  M("claude-opus-5-5", "Claude Opus 5.5", "2026-09-01", "opus-5-5", 128_000, 1_000_000),
  M("claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-09-01", "sonnet-5-5", 128_000, 1_000_000),
  M("claude-haiku-5-5", "Claude Haiku 5.5", "2026-09-01", "haiku-5-5", 64_000, 400_000),
  M("claude-fable-5", "Claude Fable 5", "2026-06-10", "fable-5", 128_000, 1_000_000),
  M("claude-mythos-5", "Claude Mythos 5", "2026-06-10", "mythos-5", 128_000, 1_000_000),
  M("claude-opus-5", "Claude Opus 5", "2026-05-20", "opus-5", 128_000, 1_000_000),
  M("claude-sonnet-5", "Claude Sonnet 5", "2026-05-20", "sonnet-5", 128_000, 1_000_000),
  M("claude-opus-4-8", "Claude Opus 4.8", "2026-04-02", "opus-4", 128_000, 1_000_000),
  M("claude-opus-4-7", "Claude Opus 4.7", "2026-02-24", "opus-4", 128_000, 1_000_000),
  M("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17", "sonnet-4", 64_000, 1_000_000),
  M("claude-opus-4-6", "Claude Opus 4.6", "2026-02-05", "opus-4", 128_000, 1_000_000),
  M("claude-opus-4-5-20251101", "Claude Opus 4.5", "2025-11-24", "opus-4", 64_000, 200_000, [
    "claude-opus-4-5",
  ]),
  M("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15", "haiku-4-5", 64_000, 200_000, [
    "claude-haiku-4-5",
  ]),
  M("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29", "sonnet-4", 64_000, 200_000, [
    "claude-sonnet-4-5",
  ]),
]

const BY_ID = new Map<string, MockModel>()
for (const m of MOCK_MODELS) {
  BY_ID.set(m.id, m)
  for (const a of m.aliases ?? []) BY_ID.set(a, m)
}

/** The catalogue entry of a model id or alias, if the mock knows it. */
export function findMockModel(id: string): MockModel | undefined {
  return BY_ID.get(id)
}

/**
 * The rate-limit class of a model id: the catalogue's class, else a class guessed from a dated or
 * later id of a known family (`claude-opus-4-9` → `opus-4`), else the id alone (`model:<id>`), so an
 * unknown model never shares a bucket with another.
 *
 * @see reference/anthropic-api.md §3 ("Limits are measured per model class")
 */
export function modelClassOf(id: string): string {
  const known = BY_ID.get(id) ?? BY_ID.get(id.replace(/-\d{8}$/, ""))
  if (known) return known.modelClass
  const m = /^claude-(opus|sonnet|haiku|fable|mythos)-(\d+)(?:-(\d+))?(?:-\d{8})?$/.exec(id)
  if (m) {
    const [, family, major, minor] = m
    if (family === "fable" || family === "mythos") return `${family}-${major}`
    if (major === "4" && family !== "haiku") return `${family}-4`
    return minor && minor !== "0" ? `${family}-${major}-${minor}` : `${family}-${major}`
  }
  return `model:${id}`
}

/** Whether `model` matches `pattern`: the same id or alias, or `class:<name>` naming its class. */
export function modelMatches(pattern: string, model: string): boolean {
  if (pattern.startsWith("class:")) return modelClassOf(model) === pattern.slice(6)
  if (pattern === model) return true
  const a = findMockModel(pattern)
  return a !== undefined && a === findMockModel(model)
}
