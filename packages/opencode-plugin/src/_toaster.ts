// Turns pool events (and the plugin's own notices) into OpenCode toasts. Errors always show, at once; `quiet`
// drops the "which account serves" toasts; everything else arriving within the debounce window is shown as one
// toast, so a failover (account disabled, group cooling, another account serves) reads as one notice, not three.

/** What OpenCode's `client.tui.showToast` takes as its body. */
export interface ToastBody {
  message: string
  variant: "info" | "success" | "warning" | "error"
  title?: string
  duration?: number
}

/** A notice for the user: its level, its sentence, and for "which account serves" notices the model class. */
export interface Notice {
  level: "info" | "warning" | "error"
  message: string
  /** Set on "which account serves" notices: only the latest per model class survives a burst. */
  servingClass?: string
}

/** The toast settings of keyrelay's config.json, read at each notice so changes apply without a restart. */
export interface ToastConfig {
  enabled: boolean
  onSwitch?: boolean
  durationMs?: number
}

export interface ToasterOptions {
  show: (body: ToastBody) => Promise<unknown>
  debounceMs: number
  /** The plugin's `quiet` setting; `undefined` defers to config.json's `toasts.onSwitch`. */
  quiet: boolean | undefined
  config: () => ToastConfig | undefined
  setTimer?: (fn: () => void, ms: number) => { unref?: () => unknown }
  clearTimer?: (timer: unknown) => void
}

export interface Toaster {
  notify(notice: Notice): void
  /** Shows what is waiting in the debounce window now (on dispose). */
  flush(): Promise<void>
}

const TITLE = "keyrelay"
const RANK = { info: 0, warning: 1, error: 2 } as const

export function createToaster(options: ToasterOptions): Toaster {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>))
  let pending: Notice[] = []
  let timer: unknown
  let inFlight: Promise<unknown> = Promise.resolve()

  const send = (body: ToastBody): void => {
    const duration = options.config()?.durationMs
    const full: ToastBody = { title: TITLE, ...body, ...(duration === undefined ? {} : { duration }) }
    // A toast that cannot be shown must never disturb a request.
    inFlight = Promise.resolve()
      .then(() => options.show(full))
      .catch(() => undefined)
  }

  const drain = (): void => {
    timer = undefined
    const batch = pending
    pending = []
    if (batch.length === 0) return
    const latestServing = new Map<string, Notice>()
    for (const notice of batch)
      if (notice.servingClass !== undefined) latestServing.set(notice.servingClass, notice)
    const lines: string[] = []
    let level: Notice["level"] = "info"
    for (const notice of batch) {
      if (notice.servingClass !== undefined && latestServing.get(notice.servingClass) !== notice) continue
      if (lines.includes(notice.message)) continue
      lines.push(notice.message)
      if (RANK[notice.level] > RANK[level]) level = notice.level
    }
    send({ message: lines.join("\n"), variant: level })
  }

  return {
    notify(notice) {
      if (notice.level === "error") {
        send({ message: notice.message, variant: "error" })
        return
      }
      const config = options.config()
      if (config?.enabled === false) return
      if (notice.level === "info" && (options.quiet ?? config?.onSwitch === false)) return
      if (options.debounceMs <= 0) {
        send({ message: notice.message, variant: notice.level })
        return
      }
      pending.push(notice)
      if (timer === undefined) {
        const handle = setTimer(drain, options.debounceMs)
        handle.unref?.()
        timer = handle
      }
    },
    async flush() {
      if (timer !== undefined) clearTimer(timer)
      drain()
      await inFlight
    },
  }
}
