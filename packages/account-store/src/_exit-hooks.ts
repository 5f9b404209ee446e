/** What the exit hooks need from an open store. */
export interface ExitFlushable {
  readonly needsFlush: boolean
  flush(): Promise<void>
  /** `force`: write even if this process's own interrupted flush holds the lock (the process is ending). */
  flushSync(force: boolean): void
}

const stores = new Set<ExitFlushable>()
const SIGNALS: NodeJS.Signals[] =
  process.platform === "win32" ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"]

function onBeforeExit(): void {
  // Scheduling a flush here keeps the loop alive just long enough; with nothing pending no new work is added,
  // so `beforeExit` cannot loop.
  for (const store of stores) if (store.needsFlush) store.flush().catch(() => {})
}

function flushAll(force: boolean): void {
  for (const store of stores) {
    try {
      store.flushSync(force)
    } catch {}
  }
}

function onExit(): void {
  flushAll(true)
}

function onSignal(signal: NodeJS.Signals): void {
  // If nobody else handles this signal, restore the default (terminate) and re-raise it, so that registering
  // our handler never changes how the process reacts to Ctrl-C or `kill`. Otherwise the host decides whether
  // the process ends; if it does, the `exit` hook writes whatever is still pending.
  const alone = process.listenerCount(signal) === 1
  flushAll(alone)
  if (alone) {
    uninstall()
    process.kill(process.pid, signal)
  }
}

function install(): void {
  process.on("beforeExit", onBeforeExit)
  process.on("exit", onExit)
  for (const signal of SIGNALS) process.on(signal, onSignal)
}

function uninstall(): void {
  process.off("beforeExit", onBeforeExit)
  process.off("exit", onExit)
  for (const signal of SIGNALS) process.off(signal, onSignal)
}

/** Flushes `store` on `beforeExit`, `exit` and termination signals until the returned function is called. */
export function flushOnExit(store: ExitFlushable): () => void {
  if (stores.size === 0) install()
  stores.add(store)
  return () => {
    if (stores.delete(store) && stores.size === 0) uninstall()
  }
}
