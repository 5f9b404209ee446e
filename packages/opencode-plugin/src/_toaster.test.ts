import { describe, expect, it, vi } from "vitest"
import { createToaster, type ToastBody, type ToastConfig, type ToasterOptions } from "./_toaster.ts"

function setup(overrides: Partial<ToasterOptions> & { toastConfig?: ToastConfig } = {}) {
  const shown: ToastBody[] = []
  const timers: { fn: () => void; ms: number }[] = []
  const toaster = createToaster({
    show: async (body) => {
      shown.push(body)
    },
    debounceMs: 1000,
    quiet: undefined,
    config: () => overrides.toastConfig,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms })
      return {}
    },
    clearTimer: () => undefined,
    ...overrides,
  })
  const fire = async () => {
    for (const timer of timers.splice(0)) timer.fn()
    await toaster.flush()
  }
  return { shown, timers, toaster, fire }
}

describe("createToaster", () => {
  it("shows an error at once, even when quiet and with toasts turned off", async () => {
    const { shown, toaster } = setup({ quiet: true, toastConfig: { enabled: false } })
    toaster.notify({ level: "error", message: 'account "work" was disabled' })
    await toaster.flush()
    expect(shown).toEqual([{ title: "keyrelay", message: 'account "work" was disabled', variant: "error" }])
  })

  it("coalesces a burst into one toast of the highest level, keeping the latest serving account per class", async () => {
    const { shown, timers, toaster, fire } = setup()
    toaster.notify({
      level: "info",
      message: 'account "work" serves sonnet-4.x.',
      servingClass: "sonnet-4.x",
    })
    toaster.notify({ level: "warning", message: '"work" is rate-limited until 10:00.' })
    toaster.notify({
      level: "info",
      message: 'account "personal" serves sonnet-4.x.',
      servingClass: "sonnet-4.x",
    })
    toaster.notify({ level: "info", message: 'account "work" serves haiku-4.5.', servingClass: "haiku-4.5" })
    toaster.notify({ level: "warning", message: '"work" is rate-limited until 10:00.' })
    expect(timers).toHaveLength(1)
    expect(timers[0]!.ms).toBe(1000)
    expect(shown).toEqual([])
    await fire()
    expect(shown).toEqual([
      {
        title: "keyrelay",
        variant: "warning",
        message: [
          '"work" is rate-limited until 10:00.',
          'account "personal" serves sonnet-4.x.',
          'account "work" serves haiku-4.5.',
        ].join("\n"),
      },
    ])
  })

  it("drops 'which account serves' notices when quiet, but keeps warnings", async () => {
    const { shown, toaster, fire } = setup({ quiet: true })
    toaster.notify({ level: "info", message: "serves", servingClass: "x" })
    toaster.notify({ level: "warning", message: "cooling" })
    await fire()
    expect(shown.map((t) => t.message)).toEqual(["cooling"])
  })

  it("follows config.json: onSwitch false is quiet unless the plugin says otherwise; enabled false leaves errors only", async () => {
    const quietByConfig = setup({ toastConfig: { enabled: true, onSwitch: false } })
    quietByConfig.toaster.notify({ level: "info", message: "serves", servingClass: "x" })
    await quietByConfig.fire()
    expect(quietByConfig.shown).toEqual([])

    const loudByOption = setup({ quiet: false, toastConfig: { enabled: true, onSwitch: false } })
    loudByOption.toaster.notify({ level: "info", message: "serves", servingClass: "x" })
    await loudByOption.fire()
    expect(loudByOption.shown.map((t) => t.message)).toEqual(["serves"])

    const off = setup({ toastConfig: { enabled: false, durationMs: 9000 } })
    off.toaster.notify({ level: "warning", message: "cooling" })
    off.toaster.notify({ level: "error", message: "broken" })
    await off.fire()
    expect(off.shown).toEqual([{ title: "keyrelay", message: "broken", variant: "error", duration: 9000 }])
  })

  it("shows each notice at once when the window is 0", async () => {
    const { shown, timers, toaster } = setup({ debounceMs: 0 })
    toaster.notify({ level: "info", message: "a", servingClass: "x" })
    toaster.notify({ level: "info", message: "b", servingClass: "x" })
    await toaster.flush()
    expect(timers).toEqual([])
    expect(shown.map((t) => t.message)).toEqual(["a", "b"])
  })

  it("shows what waits in the window on flush, and a failing showToast never throws", async () => {
    const show = vi.fn(async () => {
      throw new Error("no TUI")
    })
    const { toaster } = setup({ show })
    toaster.notify({ level: "warning", message: "cooling" })
    toaster.notify({ level: "error", message: "broken" })
    await expect(toaster.flush()).resolves.toBeUndefined()
    expect(show).toHaveBeenCalledTimes(2)
  })
})
