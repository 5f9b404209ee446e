// The built entry as OpenCode loads it: OpenCode calls every export as a plugin and drops the file when one is not a
// function, and it runs plugins inside Bun 1.3.14. So the packed dist/index.js is checked in Node and in Bun, and in
// Bun the plugin is initialised with a fake OpenCode input and its loader asked for the pool fetch.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { openAccountStore } from "@keyrelay/account-store"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url))
const bun = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url))

const listExports = `
const mod = await import(${JSON.stringify(entry)})
console.log(JSON.stringify(Object.entries(mod).map(([name, value]) => [name, typeof value])))
`

const smoke = `
const { default: plugin } = await import(${JSON.stringify(entry)})
const toasts = []
const input = {
  client: { tui: { showToast: async ({ body }) => { toasts.push(body); return { data: true } } }, app: { log: async () => ({}) } },
  project: {}, directory: process.cwd(), worktree: process.cwd(), serverUrl: new URL("http://localhost:4096/"), $: {},
  experimental_workspace: { register() {} },
}
const hooks = await plugin(input, { debounceMs: 0 })
const options = await hooks.auth.loader(async () => ({ type: "api", key: "keyrelay-managed" }), {})
console.log(JSON.stringify({
  runtime: typeof Bun === "object" ? "bun/" + Bun.version : "node",
  provider: hooks.auth.provider,
  methods: hooks.auth.methods.map((m) => m.type + ":" + m.label),
  apiKey: options.apiKey,
  fetch: typeof options.fetch,
  toasts,
}))
await hooks.dispose()
`

describe("dist/index.js", () => {
  let home: string
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "keyrelay-plugin-dist-"))
    const store = await openAccountStore({ home, watch: false, flushOnExit: false })
    await store.addAccount({ label: "work", credential: { kind: "env", variable: "KEYRELAY_TEST_UNSET" } })
    await store.close()
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it.each([
    ["node", process.execPath, ["--input-type=module", "-e", listExports]],
    ["bun", bun, ["-e", listExports]],
  ])("exports plugin functions only, in %s", (_runtime, command, args) => {
    const exported = JSON.parse(execFileSync(command, args, { encoding: "utf8" })) as [string, string][]
    expect(exported.length).toBeGreaterThan(0)
    expect(exported.filter(([, type]) => type !== "function")).toEqual([])
    expect(exported.map(([name]) => name).sort()).toEqual(["KeyrelayPlugin", "default"])
  })

  it("loads only the marker and the strategy names when OpenCode imports it; the pool and the store later", () => {
    // OpenCode imports every plugin before it draws anything: the pool (and oauth-pkce, the SDK's credential
    // providers under it) load when the loader or a sign-in method first runs. Read from the bundle, which is what
    // a bundler could have hoisted.
    const text = readFileSync(entry, "utf8")
    const staticImports = [...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1])
    expect(staticImports.filter((specifier) => !specifier?.startsWith("node:")).sort()).toEqual([
      "@keyrelay/pool-fetch/opencode-auth-marker",
      "@keyrelay/pool-fetch/strategy-names",
    ])
    expect(text).toContain('import("@keyrelay/pool-fetch")')
    expect(text).toContain('import("@keyrelay/account-store")')
  })

  it("initialises in Bun 1.3.14 and hands OpenCode the pool fetch", () => {
    const out = execFileSync(bun, ["-e", smoke], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, KEYRELAY_HOME: home, HOME: home },
    })
    const result = JSON.parse(out.trim().split("\n").at(-1)!)
    expect(result.runtime).toBe("bun/1.3.14")
    expect(result.provider).toBe("anthropic")
    expect(result.methods.every((m: string) => m.startsWith("oauth:keyrelay: "))).toBe(true)
    expect(result.apiKey).toBe("")
    expect(result.fetch).toBe("function")
    expect(result.toasts).toEqual([])
  })
})
