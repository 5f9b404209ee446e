import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { defaultMockConfig } from "../src/mock/default-mock-config.ts"
import { baseConfig, HELLO, KEY_A1, post, viaSocket } from "./_helpers.ts"

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL")
})

function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  let stderr = ""
  child.stderr!.on("data", (c) => (stderr += c))
  const ready = new Promise<{ url: string; socketPath: string | null }>((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", (c) => {
      out += c
      const nl = out.indexOf("\n")
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)))
    })
    child.once("exit", (code) => reject(new Error(`exited ${code} before ready: ${stderr}`)))
  })
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)))
  return { child, ready, exited, stderr: () => stderr }
}

describe("keyrelay-mock-anthropic", () => {
  it("prints a ready line, serves over TCP and the socket, logs JSONL, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mock-cli-"))
    const config = join(dir, "mock.json")
    const socket = join(dir, "mock.sock")
    const log = join(dir, "requests.jsonl")
    writeFileSync(
      config,
      JSON.stringify({ ...baseConfig(), scenarios: [{ respond: { kind: "error", error: "overloaded" } }] }),
    )
    const proc = start(["--config", config, "--socket", socket, "--log", log])
    const { url, socketPath } = await proc.ready
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(socketPath).toBe(socket)

    expect((await post(url, HELLO)).status).toBe(529)
    const res = await viaSocket(socket, "/v1/messages", HELLO, {
      "x-api-key": KEY_A1,
      "anthropic-version": "2023-06-01",
    })
    expect(res.status).toBe(200)
    await fetch(`${url}/_mock/control`, {
      method: "POST",
      body: JSON.stringify({ op: "set-state", credential: "a1", state: "credit-exhausted" }),
    })
    expect((await post(url, HELLO)).status).toBe(400)

    proc.child.kill("SIGTERM")
    expect(await proc.exited).toBe(0)
    expect(existsSync(socket)).toBe(false)
    const lines = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { response: { status: number } })
    expect(lines.map((l) => l.response.status)).toEqual([529, 200, 400])
    expect(readFileSync(log, "utf8")).not.toContain(KEY_A1)
  })

  it("starts a useful default with no config, printing its fake keys, and stops on SIGINT", async () => {
    const proc = start(["--port", "0"])
    const { url, socketPath } = await proc.ready
    expect(socketPath).toBeNull()
    const key = defaultMockConfig().credentials![0]!.apiKey!
    expect(proc.stderr()).toContain(key)
    const res = await post(url, HELLO, { key })
    expect(res.status).toBe(200)
    expect(res.headers.get("anthropic-organization-id")).toBe("11111111-1111-4111-8111-111111111111")
    proc.child.kill("SIGINT")
    expect(await proc.exited).toBe(0)
  })

  it("exits 2 with the usage on a bad argument", async () => {
    const proc = start(["--port", "nope"])
    await expect(proc.ready).rejects.toThrow(/exited 2/)
    expect(proc.stderr()).toMatch(/--port must be/)
  })
})
