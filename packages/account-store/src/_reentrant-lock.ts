import type { AsyncLocalStorage } from "node:async_hooks"

/**
 * One holder's turn with the lock. Work started inside it (in its async context) runs inside it, queued on
 * `queue` so siblings never interleave their read-modify-writes; `active` ends with the turn, so a timer or
 * callback created inside it that fires later does not inherit a lock nobody holds any more.
 */
interface Turn {
  readonly parent: Turn | undefined
  queue: Promise<unknown>
  active: boolean
}

function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {},
    () => {},
  )
}

/**
 * The store's lock as this process's async callers see it: a cross-process lock (`acquire`/`release`) taken by
 * one turn at a time, reentrant by async context. A call made inside a turn runs inside it instead of queueing
 * behind it (which would never return); any other caller, in this process or another, waits for the turn to end.
 */
export class ReentrantLock {
  readonly #acquire: () => Promise<void>
  readonly #release: () => void
  /** Created on first `hold`: a store that only reads never loads node:async_hooks. */
  #context: AsyncLocalStorage<Turn> | undefined
  #queue: Promise<unknown> = Promise.resolve()

  constructor(acquire: () => Promise<void>, release: () => void) {
    this.#acquire = acquire
    this.#release = release
  }

  /** The innermost turn still running in the caller's async context. */
  #current(): Turn | undefined {
    let turn = this.#context?.getStore()
    while (turn !== undefined && !turn.active) turn = turn.parent
    return turn
  }

  /** Whether the caller runs inside a turn, i.e. holds the lock. */
  get held(): boolean {
    return this.#current() !== undefined
  }

  /**
   * Queues `task` behind the work already queued at the caller's level: this process's, or that of the turn the
   * caller runs in. In-process callers queue on a promise chain instead of polling the filesystem against each other.
   */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.#current()
    const result = (turn ? turn.queue : this.#queue).then(task, task)
    if (turn) turn.queue = settled(result)
    else this.#queue = settled(result)
    return result
  }

  /**
   * Runs `fn` in a turn of its own, taking the cross-process lock unless the caller already holds it. The caller
   * is already ordered (see `serial`). The turn ends once `fn` and everything it queued have settled.
   */
  async hold<T>(fn: () => T | Promise<T>): Promise<T> {
    const parent = this.#current()
    if (parent === undefined) await this.#acquire()
    const turn: Turn = { parent, queue: Promise.resolve(), active: true }
    try {
      this.#context ??= new (process.getBuiltinModule("node:async_hooks").AsyncLocalStorage)<Turn>()
      return await this.#context.run(turn, fn)
    } finally {
      for (let last: Promise<unknown> | undefined; last !== turn.queue; ) {
        last = turn.queue
        await last
      }
      turn.active = false
      if (parent === undefined) this.#release()
    }
  }

  /** `serial` then `hold`: what `store.withLock` does. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.serial(() => this.hold(fn))
  }
}
