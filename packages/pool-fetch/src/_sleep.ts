/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (at once if it already has). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** A timer-based {@link Sleep} that never keeps the process alive on its own. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort)
        resolve()
      },
      Math.max(0, ms),
    )
    signal?.addEventListener("abort", onAbort, { once: true })
  })
