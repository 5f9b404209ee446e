/** `2026-10-08T12:00:05Z`: an instant as people and logs read it (no milliseconds). Internal. */
export function formatInstant(at: number): string {
  if (!Number.isFinite(at)) return "an unknown time"
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z")
}

/** `750 ms`, `45 s`, `5 min`, `2 h 30 min`, `3 d 4 h`: a duration at the precision people use. Internal. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "an unknown time"
  const value = Math.max(0, ms)
  if (value < 1000) return `${Math.round(value)} ms`
  const s = Math.round(value / 1000)
  if (s < 60) return `${s} s`
  const minutes = Math.round(value / 60_000)
  if (minutes < 60) return `${minutes} min`
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60)
    const m = minutes % 60
    return m ? `${h} h ${m} min` : `${h} h`
  }
  const hours = Math.round(value / 3_600_000)
  const d = Math.floor(hours / 24)
  const h = hours % 24
  return h ? `${d} d ${h} h` : `${d} d`
}
