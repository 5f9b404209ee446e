import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ReentrantLock } from "./_reentrant-lock.ts"

function counted() {
  const log: string[] = []
  let holders = 0
  const lock = new ReentrantLock(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      if (holders++ !== 0) throw new Error("acquired twice")
      log.push("acquire")
    },
    () => {
      holders--
      log.push("release")
    },
  )
  return { lock, log }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe("ReentrantLock", () => {
  it("lets a nested call run inside the holder's turn, taking the underlying lock once", async () => {
    const { lock, log } = counted()
    expect(lock.held).toBe(false)
    const result = await lock.run(async () => {
      expect(lock.held).toBe(true)
      await tick()
      return lock.run(async () => {
        await tick()
        return lock.run(() => "innermost")
      })
    })
    expect(result).toBe("innermost")
    expect(log).toEqual(["acquire", "release"])
    expect(lock.held).toBe(false)
  })

  it("runs siblings inside one turn one after the other", async () => {
    const { lock } = counted()
    const order: string[] = []
    await lock.run(async () => {
      await Promise.all(
        ["a", "b", "c"].map((name) =>
          lock.run(async () => {
            order.push(`${name}+`)
            await tick()
            order.push(`${name}-`)
          }),
        ),
      )
    })
    expect(order).toEqual(["a+", "a-", "b+", "b-", "c+", "c-"])
  })

  it("keeps the turn until work it queued and did not await has settled", async () => {
    const { lock, log } = counted()
    let late = false
    await lock.run(() => {
      void lock.run(async () => {
        await tick()
        await tick()
        late = true
        log.push("late work")
      })
    })
    expect(late).toBe(true)
    expect(log).toEqual(["acquire", "late work", "release"])
  })

  it("does not hand the lock to a callback that fires after the turn ended", async () => {
    const { lock, log } = counted()
    let fired: Promise<boolean> | undefined
    await lock.run(() => {
      fired = new Promise((resolve) => setTimeout(() => resolve(lock.held), 20))
    })
    expect(await fired).toBe(false)
    await new Promise<void>((resolve) => {
      void lock.run(() => {
        setTimeout(() => resolve(lock.run(() => {})), 5)
      })
    })
    // The callback's own call took the underlying lock again: nobody held it any more.
    expect(log).toEqual(["acquire", "release", "acquire", "release", "acquire", "release"])
  })

  it("queues callers outside any turn, and keeps going after one of them fails", async () => {
    const { lock, log } = counted()
    const failing = lock.run(() => {
      throw new Error("boom")
    })
    const next = lock.run(() => "after")
    await expect(failing).rejects.toThrow("boom")
    expect(await next).toBe("after")
    expect(log).toEqual(["acquire", "release", "acquire", "release"])
  })

  it("serial queues at the caller's level without taking the lock", async () => {
    const { lock, log } = counted()
    const order: string[] = []
    const held = lock.run(async () => {
      await tick()
      order.push("holder")
    })
    const queued = lock.serial(async () => {
      order.push(`serial held=${lock.held}`)
    })
    await Promise.all([held, queued])
    expect(order).toEqual(["holder", "serial held=false"])
    expect(log).toEqual(["acquire", "release"])
  })

  it("never has two turns of one level running at once, however calls nest and interleave", async () => {
    type Program = { delay: number; children: Program[] }
    const programOf = (depth: number): fc.Arbitrary<Program> =>
      fc.record({
        delay: fc.integer({ min: 0, max: 2 }),
        children: depth === 0 ? fc.constant([]) : fc.array(programOf(depth - 1), { maxLength: 3 }),
      })
    const program = programOf(3)
    await fc.assert(
      fc.asyncProperty(fc.array(program, { minLength: 1, maxLength: 3 }), async (roots) => {
        const { lock, log } = counted()
        let overlaps = 0
        const runningAt = new Map<number, number>()
        const run = (node: Program, depth: number): Promise<void> =>
          lock.run(async () => {
            const running = (runningAt.get(depth) ?? 0) + 1
            runningAt.set(depth, running)
            // Roots take turns, and so do the children of one turn: one turn per depth at any moment.
            if (running > 1) overlaps++
            if (node.delay) await new Promise((resolve) => setTimeout(resolve, node.delay))
            await Promise.all(node.children.map((child) => run(child, depth + 1)))
            runningAt.set(depth, (runningAt.get(depth) ?? 1) - 1)
          })
        await Promise.all(roots.map((root) => run(root, 0)))
        expect(overlaps).toBe(0)
        expect(log.filter((l) => l === "acquire")).toHaveLength(roots.length)
        expect(log.at(-1)).toBe("release")
        expect(lock.held).toBe(false)
      }),
      { numRuns: 60 },
    )
  })
})
