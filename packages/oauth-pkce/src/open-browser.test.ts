import type { spawn } from "node:child_process"
import { EventEmitter } from "node:events"
import { describe, expect, it } from "vitest"
import { openBrowser } from "./open-browser.ts"

function fakeSpawn(outcome: "spawn" | "error") {
  const calls: { command: string; args: readonly string[] }[] = []
  const fn = ((command: string, args: readonly string[]) => {
    calls.push({ command, args })
    const child = Object.assign(new EventEmitter(), { unref: () => undefined })
    queueMicrotask(() =>
      outcome === "spawn" ? child.emit("spawn") : child.emit("error", new Error("spawn xdg-open ENOENT")),
    )
    return child
  }) as unknown as typeof spawn
  return Object.assign(fn, { calls })
}

const URL_WITH_QUERY = "https://idp.example.test/authorize?client_id=a&state=b"

describe("openBrowser", () => {
  it("uses open on macOS, rundll32 on Windows (no shell, so & survives) and xdg-open with a display", async () => {
    for (const [platform, env, command] of [
      ["darwin", {}, "open"],
      ["win32", {}, "rundll32"],
      ["linux", { DISPLAY: ":0" }, "xdg-open"],
      ["freebsd", { WAYLAND_DISPLAY: "wayland-0" }, "xdg-open"],
    ] as const) {
      const spawn = fakeSpawn("spawn")
      await expect(openBrowser(URL_WITH_QUERY, { platform, env, spawn })).resolves.toBe(true)
      expect(spawn.calls[0]?.command).toBe(command)
      expect(spawn.calls[0]?.args.at(-1)).toBe(URL_WITH_QUERY)
    }
  })

  it("returns false without trying when there is no display (an SSH session)", async () => {
    const spawn = fakeSpawn("spawn")
    await expect(
      openBrowser(URL_WITH_QUERY, { platform: "linux", env: { SSH_CONNECTION: "x" }, spawn }),
    ).resolves.toBe(false)
    expect(spawn.calls).toEqual([])
  })

  it("returns false, never throws, when the opener is missing or spawn itself throws", async () => {
    await expect(
      openBrowser(URL_WITH_QUERY, { platform: "darwin", spawn: fakeSpawn("error") }),
    ).resolves.toBe(false)
    const throwing = (() => {
      throw new Error("EACCES")
    }) as unknown as typeof spawn
    await expect(openBrowser(URL_WITH_QUERY, { platform: "darwin", spawn: throwing })).resolves.toBe(false)
  })

  it("opens only http and https addresses", async () => {
    const spawn = fakeSpawn("spawn")
    await expect(openBrowser("file:///etc/passwd", { platform: "darwin", spawn })).resolves.toBe(false)
    await expect(openBrowser("not a url", { platform: "darwin", spawn })).resolves.toBe(false)
    expect(spawn.calls).toEqual([])
  })
})
