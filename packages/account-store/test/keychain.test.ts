import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ACCOUNT_STORE_ERROR_CODES, openAccountStore } from "../src/index.ts"
import { tempHome } from "./helpers.ts"

const KEY = "sk-ant-api03-test-0000000000000000keyc"
const quiet = { watch: false, flushOnExit: false } as const

/** An in-memory stand-in with @napi-rs/keyring's shape, for the path where a keychain service answers. */
function fakeKeyring() {
  const entries = new Map<string, string>()
  class Entry {
    readonly #name: string
    constructor(service: string, user: string) {
      this.#name = `${service}\u0000${user}`
    }
    getPassword() {
      return entries.get(this.#name) ?? null
    }
    setPassword(value: string) {
      entries.set(this.#name, value)
    }
    deletePassword() {
      return entries.delete(this.#name)
    }
  }
  const findCredentials = (service: string) =>
    [...entries.keys()]
      .filter((k) => k.startsWith(`${service}\u0000`))
      .map((k) => ({ account: k.split("\u0000")[1]! }))
  return { entries, module: { Entry, findCredentials } }
}

describe("the OS keychain (optional)", () => {
  it("falls back to the file with a clear message where no keychain service runs (this machine)", async () => {
    const home = tempHome()
    const store = await openAccountStore({ home, ...quiet })
    await store.updateConfig({ keychain: true })
    const account = await store.addAccount({ label: "k", credential: { kind: "api-key", key: KEY } })
    expect(account.secretStorage).toBe("file")
    expect(store.problems).toMatchObject([{ code: ACCOUNT_STORE_ERROR_CODES.KEYCHAIN_UNAVAILABLE }])
    expect(store.problems[0]!.message).toMatch(/keychain/)
    expect(store.problems[0]!.message).toContain("secrets.json")
    expect((await store.getSecret(account.id)).reveal()).toBe(KEY)
    await store.close()
  })

  it("says to install @napi-rs/keyring when it cannot be loaded", async () => {
    const store = await openAccountStore({
      home: tempHome(),
      ...quiet,
      loadKeyring: () => Promise.reject(new Error("Cannot find module")),
    })
    await store.updateConfig({ keychain: true })
    await store.addAccount({ label: "k", credential: { kind: "api-key", key: KEY } })
    expect(store.problems[0]!.message).toContain("@napi-rs/keyring")
    await store.close()
  })

  it("keeps keys and token slots only in the keychain when one answers, and removes them with the account", async () => {
    const home = tempHome()
    const keyring = fakeKeyring()
    const store = await openAccountStore({ home, ...quiet, loadKeyring: async () => keyring.module })
    await store.updateConfig({ keychain: true })
    const account = await store.addAccount({ label: "k", credential: { kind: "api-key", key: KEY } })
    await store.writeTokenSlot(account.id, "refresh", { value: "rt-test-keychain-0001" })
    expect(account.secretStorage).toBe("keychain")
    expect(store.problems).toEqual([])
    expect((await store.getSecret(account.id)).reveal()).toBe(KEY)
    expect((await store.readTokenSlot(account.id, "refresh"))!.value.reveal()).toBe("rt-test-keychain-0001")
    expect(readFileSync(join(home, "secrets.json"), "utf8")).not.toContain(KEY)
    expect(keyring.entries.size).toBe(2) // the key and the slot; the probe only reads
    await store.removeAccount(account.id)
    expect([...keyring.entries.keys()].filter((k) => k.includes(account.id))).toEqual([])
    await store.close()
  })
})
