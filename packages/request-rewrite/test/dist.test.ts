// The built output and the packed tarball are what users get: they must carry the package's own version in the
// user-agent, import nothing at run time, and work under Bun (OpenCode runs plugins in Bun 1.3.14).
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const bin = (name: string) => join(root, "../../node_modules/.bin", name)
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; name: string }
const distFile = join(root, "dist/index.js")

// A computed specifier keeps the type checker away from dist, which does not exist before the build.
const loadDist = async () =>
  (await import(/* @vite-ignore */ `${distFile}`)) as typeof import("../src/index.ts")

describe("the built package", () => {
  it("inlines the package.json version and imports nothing at run time", () => {
    const code = readFileSync(distFile, "utf8")
    expect(code).toContain(`const VERSION = "${pkg.version}"`)
    expect(code).not.toMatch(/package\.json/)
    expect(code).not.toMatch(/^\s*import\s/m)
  })

  it("names keyrelay/<package version> in the user-agent it builds", async () => {
    const dist = await loadDist()
    expect(dist.VERSION).toBe(pkg.version)
    const out = dist.buildOutgoingRequest({
      url: "/v1/models",
      credential: { type: "api-key", key: "sk-ant-api03-test-dist" },
    })
    expect(out.init.headers["user-agent"]).toBe(`keyrelay/${pkg.version}`)
  })

  it("packs a tarball whose dist carries the same version", () => {
    const out = mkdtempSync(join(tmpdir(), "request-rewrite-pack-"))
    try {
      execFileSync(bin("pnpm"), ["pack", "--pack-destination", out], { cwd: root, stdio: "ignore" })
      const tarball = readdirSync(out).find((f) => f.endsWith(".tgz")) as string
      execFileSync("tar", ["-xzf", join(out, tarball), "-C", out])
      const packed = readFileSync(join(out, "package/dist/index.js"), "utf8")
      const packedPkg = JSON.parse(readFileSync(join(out, "package/package.json"), "utf8"))
      expect(packed).toContain(`const VERSION = "${packedPkg.version}"`)
      expect(packedPkg.version).toBe(pkg.version)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })

  it("works under Bun: manual redirects, the credential only to the account, redacted when printed; body facts", () => {
    // Bun's fetch does not go through node:net, so the loopback guard cannot watch it; the script only starts and
    // calls its own servers on 127.0.0.1, and asserts below that the redirect target got nothing.
    const line = execFileSync(bin("bun"), [join(root, "test/bun-smoke.mjs")], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_PROXY: "*" },
    })
    const result = JSON.parse(line.trim().split("\n").at(-1) as string)
    expect(result.version).toBe(pkg.version)
    expect(result.status).toBe(307)
    expect(result.seen.elsewhere).toEqual([])
    expect(result.seen.account).toHaveLength(1)
    const [request] = result.seen.account
    expect(request.headers["x-api-key"]).toBe("sk-ant-api03-test-bun-key")
    expect(request.headers["user-agent"]).toBe(`opencode/1.18.33 keyrelay/${pkg.version}`)
    expect(JSON.parse(request.body).tools[0].name).toMatch(/^srv_tool_[0-9a-f]{8}$/)
    expect(result.toolNames).toEqual([[JSON.parse(request.body).tools[0].name, "srv.tool"]])
    expect(result.facts).toEqual([
      { model: "claude-opus-4-8", stream: true },
      { stream: false, speed: "fast" },
      { stream: false },
    ])
    for (const printed of [result.inspected, result.json]) {
      expect(printed).not.toContain("sk-ant-api03-test-bun-key")
      expect(printed).toContain("[redacted]")
    }
  })
})
