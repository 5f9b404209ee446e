import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { accountsFileSpec } from "../src/_accounts-file.ts"
import { configFileSpec } from "../src/_config-file.ts"
import { rulesFileSpec } from "../src/_rules-file.ts"
import { secretsFileSpec } from "../src/_secrets-file.ts"
import { stateFileSpec } from "../src/_state-file.ts"
import { usageFileSpec } from "../src/_usage-file.ts"
import { ACCOUNT_STORE_ERROR_CODES, credentialFingerprint, openAccountStore } from "../src/index.ts"
import { tempHome } from "./helpers.ts"

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__")
const quiet = { watch: false, flushOnExit: false } as const
const SPECS = [
  accountsFileSpec(credentialFingerprint as never),
  secretsFileSpec,
  rulesFileSpec,
  configFileSpec,
  stateFileSpec,
  usageFileSpec,
]

async function homeWith(name: string, text: string): Promise<string> {
  const home = tempHome()
  await mkdir(home, { recursive: true, mode: 0o700 })
  writeFileSync(join(home, name), text, { mode: 0o600 })
  return home
}

describe("schema migrations", () => {
  it("has an ordered migration step, and a fixture, for every earlier version of every file", () => {
    for (const spec of SPECS) {
      // A file's history starts at `first` (0 for files that existed before release, the version the file was
      // introduced with otherwise) and has exactly one step per version since, in order.
      const first = spec.version - spec.migrations.length
      expect(
        spec.migrations.map((m) => m.from),
        spec.name,
      ).toEqual(Array.from({ length: spec.migrations.length }, (_, i) => first + i))
      for (let version = first; version < spec.version; version++) {
        const fixture = `${spec.name.replace(".json", "")}.v${version}.json`
        expect(readdirSync(fixtures), `fixture for ${spec.name} v${version}`).toContain(fixture)
      }
    }
  })

  it.each(SPECS.flatMap((spec) => spec.migrations.map((m) => [spec.name, m.from] as const)))(
    "migrates %s from version %i to the current one, after a backup",
    async (name, from) => {
      const original = readFileSync(join(fixtures, `${name.replace(".json", "")}.v${from}.json`), "utf8")
      const home = await homeWith(name, original)
      const store = await openAccountStore({ home, ...quiet })
      expect(store.problems).toEqual([])
      await store.close()
      const migrated = JSON.parse(readFileSync(join(home, name), "utf8"))
      expect(migrated.version).toBe(SPECS.find((s) => s.name === name)!.version)
      const backups = readdirSync(home).filter((n) => n.startsWith(`${name}.backup-v${from}-`))
      expect(backups).toHaveLength(1)
      expect(readFileSync(join(home, backups[0]!), "utf8")).toBe(original)
    },
  )

  it("moves v0 inline keys into secrets.json and keeps every account, id and setting", async () => {
    const home = await homeWith("accounts.json", readFileSync(join(fixtures, "accounts.v0.json"), "utf8"))
    const store = await openAccountStore({ home, ...quiet })
    expect(store.listAccounts()).toMatchObject([
      {
        id: "acc_aaaaaaaaaaaaaaaa",
        label: "work",
        enabled: true,
        createdAt: 1760000000000,
        credential: { kind: "api-key", hint: "sk-ant-…abcd" },
      },
      {
        id: "acc_bbbbbbbbbbbbbbbb",
        label: "account 2",
        enabled: false,
        credential: { kind: "env", variable: "PERSONAL_ANTHROPIC_KEY" },
      },
    ])
    expect((await store.getSecret("acc_aaaaaaaaaaaaaaaa")).reveal()).toBe(
      "sk-ant-api03-test-v0v0v0v0v0v0v0v0v0v0abcd",
    )
    // Dedup works on migrated keys too.
    await expect(
      store.addAccount({
        label: "dup",
        credential: { kind: "api-key", key: "sk-ant-api03-test-v0v0v0v0v0v0v0v0v0v0abcd" },
      }),
    ).rejects.toMatchObject({ code: ACCOUNT_STORE_ERROR_CODES.DUPLICATE_CREDENTIAL })
    await store.close()
    expect(readFileSync(join(home, "accounts.json"), "utf8")).not.toContain("v0v0v0v0")
  })

  it("leaves a file whose migration fails untouched, and says so", async () => {
    const broken = JSON.stringify({ accounts: [{ id: "acc_aaaaaaaaaaaaaaaa", type: "api-key" }] })
    const home = await homeWith("accounts.json", broken)
    const store = await openAccountStore({ home, ...quiet })
    expect(store.problems).toMatchObject([
      { code: ACCOUNT_STORE_ERROR_CODES.MIGRATION_FAILED, file: "accounts.json" },
    ])
    await expect(
      store.addAccount({ label: "x", credential: { kind: "env", variable: "X" } }),
    ).rejects.toMatchObject({
      code: ACCOUNT_STORE_ERROR_CODES.MIGRATION_FAILED,
    })
    await store.close()
    expect(readFileSync(join(home, "accounts.json"), "utf8")).toBe(broken)
  })
})
