/** The mock's clock: an injected `now` (default `Date.now`) plus whatever `advance` added. */
export interface MockClock {
  now(): number
  advance(ms: number): void
}

/** Makes the clock every bucket, expiry and timestamp of the mock reads. */
export function createMockClock(now: () => number = Date.now): MockClock {
  let offset = 0
  return {
    now: () => now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`)
      offset += ms
    },
  }
}
