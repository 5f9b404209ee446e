import type { Account } from "@keyrelay/account-store"
import { describe, expect, it } from "vitest"
import { classifyContext } from "./_classify-context.ts"
import type { PoolRuntime } from "./_pool-runtime.ts"

describe("classifyContext", () => {
  it("hands the classifier the account's last outcome, so a success right after a transport fault counts at once", () => {
    const lastOutcome = { class: "ok", at: 1_000 }
    const runtime = {
      now: () => 2_000,
      random: () => 0.5,
      organizationOf: () => ({ organizationId: "org-a", workspaceId: undefined }),
      store: { state: { cooldowns: {}, accounts: { acc_1: { lastOutcome } } } },
    } as unknown as PoolRuntime
    const context = classifyContext(runtime, { id: "acc_1" } as Account, "sonnet-4.x")
    expect(context.lastOutcome).toEqual(lastOutcome)
    expect(context.account).toEqual({ id: "acc_1", organizationId: "org-a", workspaceId: undefined })
    expect(classifyContext(runtime, { id: "acc_2" } as Account, "sonnet-4.x").lastOutcome).toBeUndefined()
  })
})
