import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

const ESC = "\u001b"

import { createSandbox, type Sandbox, SENTINELS, startPty } from "./support.ts"

let sandbox: Sandbox
beforeEach(() => {
  sandbox = createSandbox()
})
afterEach(() => sandbox.cleanup())

describe("on a terminal", () => {
  it("add asks for everything, takes the key at a hidden prompt and never shows it", async () => {
    const cli = startPty(sandbox, ["add"])
    await cli.waitFor(/Label for this account\?/)
    await cli.type("work\r")
    await cli.waitFor(/What kind of credential\?/)
    await cli.type("\r") // the first choice: API key
    await cli.waitFor(/API key for work \(hidden/)
    await cli.type(`${SENTINELS.stdinOnly}\r`)
    await cli.waitFor(/Tags for routing rules/)
    await cli.type("work, ci\r")
    await cli.waitFor(/Test it now/)
    await cli.type("n")
    expect(await cli.done).toEqual({ code: 0 })
    expect(cli.screen()).toMatch(/Added work \(api-key sk-ant-…0000\) as acc_[a-z2-7]{16}\./)
    expect(cli.raw()).not.toContain(SENTINELS.stdinOnly)
    expect(cli.raw()).not.toContain("SENTINEL")
    expect(readFileSync(join(sandbox.home, "secrets.json"), "utf8")).toContain(SENTINELS.stdinOnly)
    const list = await sandbox.run(["list", "--json"])
    expect((list.json as { accounts: { tags: string[] }[] }).accounts[0]!.tags).toEqual(["work", "ci"])
  })

  it("add picks another kind with the arrow keys and asks only what that kind needs", async () => {
    const cli = startPty(sandbox, ["add", "ci"])
    await cli.waitFor(/What kind of credential\?/)
    await cli.type("\u001b[B\r") // down: environment variable
    await cli.waitFor(/Environment variable holding the key\?/)
    await cli.type("9BAD\r")
    await cli.waitFor(/a variable name: letters, digits and _/)
    await cli.type("\u007f\u007f\u007f\u007fCI_KEY\r")
    await cli.waitFor(/Tags for routing rules/)
    await cli.type("\r")
    await cli.waitFor(/Test it now/)
    await cli.type("n")
    expect(await cli.done).toEqual({ code: 0 })
    const list = await sandbox.run(["list", "--json"])
    expect((list.json as { accounts: { credential: unknown }[] }).accounts[0]!.credential).toEqual({
      kind: "env",
      variable: "CI_KEY",
    })
  })

  it("Ctrl-C at a prompt cancels (exit 1) and adds nothing", async () => {
    const cli = startPty(sandbox, ["add", "work"])
    await cli.waitFor(/What kind of credential\?/)
    await cli.type("\u0003")
    expect(await cli.done).toEqual({ code: 1 })
    expect(cli.screen()).toContain("Cancelled; nothing was changed.")
    expect(((await sandbox.run(["list", "--json"])).json as { accounts: unknown[] }).accounts).toEqual([])
  })

  it("remove asks first: no keeps the account, yes removes it", async () => {
    await sandbox.run(["add", "work", "--env", "WORK_KEY"])
    const no = startPty(sandbox, ["remove", "work"])
    await no.waitFor(/Remove work for good/)
    await no.type("n")
    expect(await no.done).toEqual({ code: 1 })
    expect(((await sandbox.run(["list", "--json"])).json as { accounts: unknown[] }).accounts).toHaveLength(1)
    const yes = startPty(sandbox, ["remove", "work"])
    await yes.waitFor(/Remove work for good/)
    await yes.type("y")
    expect(await yes.done).toEqual({ code: 0 })
    expect(yes.screen()).toMatch(/Removed work \(acc_/)
    expect(((await sandbox.run(["list", "--json"])).json as { accounts: unknown[] }).accounts).toEqual([])
  })

  it("colors a table on a terminal, and not with NO_COLOR", async () => {
    await sandbox.run(["add", "work", "--env", "WORK_KEY"])
    const colored = startPty(sandbox, ["list"])
    await colored.done
    expect(colored.raw()).toContain(`${ESC}[32mready${ESC}[39m`)
    sandbox.env.NO_COLOR = "1"
    const plain = startPty(sandbox, ["list"])
    await plain.done
    expect(plain.raw()).not.toContain(`${ESC}[3`)
  })
})
