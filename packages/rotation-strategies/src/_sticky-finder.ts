import type { Candidate } from "./strategy.ts"

const HINT_LIMIT = 10_000

/**
 * Finds the sticky account's index, trying where that id was last found first: callers keep their candidate
 * order, so a pick usually costs one hash lookup and one id comparison instead of one comparison per candidate.
 * The hints are kept per id because the sticky account differs per model class (the caller keeps one per class)
 * and one instance serves them all; a hint is only ever a guess, checked against the candidate before use.
 */
export function stickyFinder(): (candidates: readonly Candidate[], stickyId: string | undefined) => number {
  const hints = new Map<string, number>()
  return (candidates, stickyId) => {
    if (stickyId === undefined) return -1
    const hint = hints.get(stickyId)
    if (hint !== undefined && hint < candidates.length && candidates[hint]!.id === stickyId) return hint
    for (let i = 0; i < candidates.length; i++) {
      if (candidates[i]!.id === stickyId) {
        if (hint === undefined && hints.size >= HINT_LIMIT) hints.clear()
        hints.set(stickyId, i)
        return i
      }
    }
    return -1
  }
}
