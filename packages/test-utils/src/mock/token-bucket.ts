/**
 * A token bucket with continuous refill, the way the API enforces RPM, ITPM and OTPM: `capacity`
 * tokens, refilled at `capacity` per minute. `tokens` may go below zero when actual output exceeds
 * what was left (output tokens are counted after generation); it then refills from there.
 */
export class TokenBucket {
  readonly capacity: number
  private tokens: number
  private updatedAt: number

  constructor(capacity: number, now: number) {
    this.capacity = capacity
    this.tokens = capacity
    this.updatedAt = now
  }

  private get ratePerMs(): number {
    return this.capacity / 60_000
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerMs)
      this.updatedAt = now
    }
  }

  /** Tokens available now (may be negative after an overdraft). */
  available(now: number): number {
    this.refill(now)
    return this.tokens
  }

  /** Milliseconds until `amount` tokens are available (0 if they already are; Infinity above capacity). */
  msUntil(amount: number, now: number): number {
    this.refill(now)
    if (this.tokens >= amount) return 0
    if (amount > this.capacity) return Number.POSITIVE_INFINITY
    return Math.ceil((amount - this.tokens) / this.ratePerMs)
  }

  /** When the bucket is full again (epoch ms). */
  fullAt(now: number): number {
    this.refill(now)
    return now + Math.ceil((this.capacity - this.tokens) / this.ratePerMs)
  }

  /** Takes `amount` tokens, going below zero if need be. */
  take(amount: number, now: number): void {
    this.refill(now)
    this.tokens -= amount
  }
}
