import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { Deadlines } from "./_deadlines.ts"

describe("Deadlines", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("runs each deadline once it is due, in order, and never one that was stopped", () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    deadlines.start(300, () => fired.push("c"))
    deadlines.start(100, () => fired.push("a"))
    const stopped = deadlines.start(150, () => fired.push("stopped"))
    deadlines.start(200, () => fired.push("b"))
    deadlines.stop(stopped)
    vi.advanceTimersByTime(99)
    expect(fired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(["a"])
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["a", "b", "c"])
    vi.advanceTimersByTime(10_000)
    expect(fired).toEqual(["a", "b", "c"])
  })

  it("holds one timer however many deadlines are pending", () => {
    const deadlines = new Deadlines()
    for (let i = 0; i < 100; i++) deadlines.start(60_000 + i, () => {})
    expect(vi.getTimerCount()).toBe(1)
  })

  it("postpones a deadline whose due time moved later, without a timer of its own", () => {
    const deadlines = new Deadlines()
    let fired = 0
    const idle = deadlines.start(100, () => fired++)
    vi.advanceTimersByTime(80)
    idle.due = performance.now() + 100
    vi.advanceTimersByTime(50)
    expect(fired).toBe(0)
    vi.advanceTimersByTime(50)
    expect(fired).toBe(1)
  })

  it("sets its timer again for an earlier deadline that arrives later", () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    deadlines.start(10_000, () => fired.push("late"))
    deadlines.start(50, () => fired.push("early"))
    vi.advanceTimersByTime(50)
    expect(fired).toEqual(["early"])
    expect(vi.getTimerCount()).toBe(1)
  })

  it("starts a deadline from inside an expiring one", () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    deadlines.start(10, () => {
      fired.push("first")
      deadlines.start(10, () => fired.push("second"))
    })
    vi.advanceTimersByTime(10)
    expect(fired).toEqual(["first"])
    vi.advanceTimersByTime(10)
    expect(fired).toEqual(["first", "second"])
  })
})

describe("Deadlines on the real clock", () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length

  it("keeps the process alive while a deadline is pending, and not once none is", () => {
    const before = timeouts()
    const deadlines = new Deadlines()
    const first = deadlines.start(60_000, () => {})
    expect(timeouts()).toBe(before + 1)
    deadlines.stop(first)
    expect(timeouts()).toBe(before)
    const second = deadlines.start(90_000, () => {})
    expect(timeouts()).toBe(before + 1)
    deadlines.stop(second)
    expect(timeouts()).toBe(before)
  })
})
