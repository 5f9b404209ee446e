import http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isLoopbackHost, takeNonLoopbackAttempts } from "./loopback-guard.ts"

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])("accepts %s", (h) => {
    expect(isLoopbackHost(h)).toBe(true)
  })
  it.each(["10.0.0.1", "api.anthropic.com", "0.0.0.0", "::ffff:10.0.0.1", "128.0.0.1"])("rejects %s", (h) => {
    expect(isLoopbackHost(h)).toBe(false)
  })
})

describe("the guard installed by the shared setup", () => {
  let server: http.Server
  let url: string
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("ok"))
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it("lets fetch reach 127.0.0.1", async () => {
    expect(await (await fetch(url)).text()).toBe("ok")
  })

  it("fails fetch to a non-loopback address and records the attempt", async () => {
    await expect(fetch("http://192.0.2.1:8080/")).rejects.toThrow()
    const attempts = takeNonLoopbackAttempts()
    expect(attempts.map((a) => a.host)).toEqual(["192.0.2.1"])
  })

  it("fails a DNS lookup of a public name and records it", async () => {
    await expect(fetch("https://api.anthropic.com/v1/models")).rejects.toThrow()
    const attempts = takeNonLoopbackAttempts()
    expect(attempts.some((a) => a.host === "api.anthropic.com")).toBe(true)
  })
})

describe("loopback-guard-register in a child process", () => {
  it("blocks and logs a non-loopback connection made by the child", async () => {
    const { execFileSync } = await import("node:child_process")
    const { mkdtempSync, readFileSync, existsSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const { join } = await import("node:path")
    const dir = mkdtempSync(join(tmpdir(), "guard-"))
    const log = join(dir, "attempts.jsonl")
    const register = new URL("../dist/loopback-guard-register.js", import.meta.url).pathname
    const out = execFileSync(
      process.execPath,
      [
        "--import",
        register,
        "-e",
        "fetch('http://192.0.2.1:8080/').then(()=>console.log('reached'),()=>console.log('blocked'))",
      ],
      { env: { ...process.env, KEYRELAY_LOOPBACK_GUARD_LOG: log }, encoding: "utf8" },
    )
    expect(out.trim()).toBe("blocked")
    expect(existsSync(log)).toBe(true)
    expect(readFileSync(log, "utf8")).toContain('"host":"192.0.2.1"')
  })
})
