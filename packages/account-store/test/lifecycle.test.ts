import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ACCOUNT_STORE_ERROR_CODES, openAccountStore } from "../src/index.ts"
import { runChild, tempHome } from "./helpers.ts"

const ACCOUNT = "acc_aaaaaaaaaaaaaaaa"
const quiet = { watch: false, flushOnExit: false } as const

function inputTokensOnDisk(home: string): number {
  const usage = JSON.parse(readFileSync(join(home, "usage.json"), "utf8"))
  const [day] = Object.values(usage.days) as Record<
    string,
    Record<string, Record<string, { inputTokens: number }>>
  >[]
  return day![ACCOUNT]!["claude-test"]!["-"]!.inputTokens
}

describe("flush on exit", () => {
  it("writes pending usage when the process calls process.exit before the debounce", async () => {
    const home = tempHome()
    const child = runChild(["record-then-exit", home, ACCOUNT, "exit"])
    expect(await child.exited).toEqual({ code: 0, signal: null })
    expect(inputTokensOnDisk(home)).toBe(7)
  })

  it.each(["SIGTERM", "SIGINT"] as const)(
    "writes pending usage on %s and still dies of the signal",
    async (signal) => {
      const home = tempHome()
      const child = runChild(["record-then-exit", home, ACCOUNT, "wait"])
      await child.waitFor("recorded")
      child.process.kill(signal)
      expect(await child.exited).toEqual({ code: null, signal })
      const store = await openAccountStore({ home, ...quiet })
      expect(store.usage()).toMatchObject([{ accountId: ACCOUNT, inputTokens: 7, costMicroUsd: 3 }])
      await store.close()
    },
  )

  it("does not keep an idle process alive", async () => {
    const home = tempHome()
    const child = runChild(["updates", home, "3", "p", ACCOUNT], "bun")
    expect(await child.exited).toEqual({ code: 0, signal: null })
  })
})

describe("another process", () => {
  it("sees changes made here without restarting (fs.watch or the poll)", async () => {
    const home = tempHome()
    const store = await openAccountStore({ home, ...quiet })
    const watcher = runChild(["watch", home])
    await watcher.waitFor("watching")
    await store.addAccount({ label: "added-elsewhere", credential: { kind: "env", variable: "ELSEWHERE" } })
    expect(await watcher.waitFor("change accounts.json")).toContain("added-elsewhere")
    await store.close()
  })
})

describe("after close", () => {
  it("refuses further writes with a clear code", async () => {
    const store = await openAccountStore({ home: tempHome(), ...quiet })
    await store.close()
    expect(() => store.recordUsage({ accountId: ACCOUNT, model: "m" })).toThrow(
      expect.objectContaining({ code: ACCOUNT_STORE_ERROR_CODES.CLOSED }),
    )
    await expect(
      store.addAccount({ label: "x", credential: { kind: "env", variable: "X" } }),
    ).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.CLOSED,
    })
  })
})
