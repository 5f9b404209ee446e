// One timer for every deadline of a pool: the headers of each attempt, the silence of each body being read. A timer
// per request costs more than it looks (Node files timers by duration, and a duration whose list just emptied is
// rebuilt and rescheduled with the event loop on every request); here starting and stopping a deadline only adds to
// and deletes from a set, and moving one later (a body that sent a chunk) only writes a number. The one timer is set
// for the earliest deadline; when it fires early (deadlines moved), it is set again for the next.

/** One deadline: `expire` runs once `due` (a `performance.now()` time) has passed, unless it was stopped first. */
export interface Deadline {
  /** May be moved later at any time (a body that sent a chunk); never earlier. */
  due: number
  readonly expire: () => void
}

export class Deadlines {
  readonly #pending = new Set<Deadline>()
  #timer: ReturnType<typeof setTimeout> | undefined
  /** When the timer fires; `Infinity` while it is not set. */
  #firesAt = Number.POSITIVE_INFINITY

  /** Runs `expire` in `delayMs` unless stopped first. */
  start(delayMs: number, expire: () => void): Deadline {
    const deadline: Deadline = { due: performance.now() + delayMs, expire }
    this.#pending.add(deadline)
    if (deadline.due < this.#firesAt) this.#set(deadline.due)
    // A pending deadline keeps the process alive, as its own timer would; an idle pool does not.
    else if (this.#pending.size === 1) this.#timer?.ref?.()
    return deadline
  }

  stop(deadline: Deadline): void {
    if (this.#pending.delete(deadline) && this.#pending.size === 0) this.#timer?.unref?.()
  }

  #set(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#firesAt = at
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()))
  }

  #fire(): void {
    this.#timer = undefined
    this.#firesAt = Number.POSITIVE_INFINITY
    const now = performance.now()
    const expired: Deadline[] = []
    let next = Number.POSITIVE_INFINITY
    for (const deadline of this.#pending) {
      if (deadline.due <= now) expired.push(deadline)
      else if (deadline.due < next) next = deadline.due
    }
    for (const deadline of expired) this.#pending.delete(deadline)
    if (next !== Number.POSITIVE_INFINITY) this.#set(next)
    for (const deadline of expired) deadline.expire()
  }
}
