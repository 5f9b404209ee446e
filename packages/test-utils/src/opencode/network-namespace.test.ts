import { execFileSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { detectNetworkNamespace } from "./network-namespace.ts"

describe("detectNetworkNamespace", () => {
  it("is asked once per process", () => {
    expect(detectNetworkNamespace()).toBe(detectNetworkNamespace())
  })

  it("when available, makes a namespace whose only interface is loopback, up", async () => {
    const netns = await detectNetworkNamespace()
    if (!netns.available) {
      expect(netns.reason.length).toBeGreaterThan(0)
      return
    }
    const script = `${netns.ip} link set lo up && ${netns.ip} -o link show`
    const links = execFileSync(netns.command[0]!, [...netns.command.slice(1), "sh", "-c", script], {
      encoding: "utf8",
    })
    const names = links
      .trim()
      .split("\n")
      .map((line) => line.split(":")[1]?.trim())
    expect(names).toEqual(["lo"])
    expect(links).toMatch(/<LOOPBACK,UP,LOWER_UP>/)
    expect(netns.bridgeOrigin).toBe("http://127.0.0.1:47801")
  })
})
