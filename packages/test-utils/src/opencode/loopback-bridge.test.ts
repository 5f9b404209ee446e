import { mkdtempSync, rmSync } from "node:fs"
import http from "node:http"
import net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLoopbackBridge } from "./loopback-bridge.ts"

describe("startLoopbackBridge", () => {
  let dir: string
  let socketPath: string
  let upstream: http.Server
  const seen: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bridge-"))
    socketPath = join(dir, "upstream.sock")
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`)
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.write("event: ping\ndata: {}\n\n")
        setTimeout(() => res.end("event: done\ndata: {}\n\n"), 20)
      })
    })
    await new Promise<void>((resolve) => upstream.listen(socketPath, resolve))
  })
  afterAll(async () => {
    upstream.closeAllConnections()
    await new Promise<void>((resolve) => upstream.close(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
  })

  it("forwards HTTP requests and streamed responses byte for byte between TCP and the unix socket", async () => {
    const bridge = await startLoopbackBridge({ socketPath })
    try {
      const response = await fetch(`http://127.0.0.1:${bridge.port}/v1/messages?beta=true`, {
        method: "POST",
        body: '{"stream":true}',
      })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe("event: ping\ndata: {}\n\nevent: done\ndata: {}\n\n")
      expect(seen.at(-1)).toBe('POST /v1/messages?beta=true {"stream":true}')
      expect(bridge.connections()).toBe(1)
    } finally {
      await bridge.close()
    }
  })

  it("listens on the port it is given", async () => {
    const probe = await startLoopbackBridge({ socketPath })
    const port = probe.port
    await probe.close()
    const bridge = await startLoopbackBridge({ socketPath, port })
    try {
      expect(bridge.port).toBe(port)
    } finally {
      await bridge.close()
    }
  })

  it("closes the client connection when the unix socket is not there", async () => {
    const bridge = await startLoopbackBridge({ socketPath: join(dir, "missing.sock") })
    try {
      await expect(fetch(`http://127.0.0.1:${bridge.port}/`)).rejects.toThrow()
    } finally {
      await bridge.close()
    }
  })

  it("drops open connections on close", async () => {
    const bridge = await startLoopbackBridge({ socketPath })
    const socket = net.connect(bridge.port, "127.0.0.1")
    await new Promise((resolve) => socket.once("connect", resolve))
    const closed = new Promise((resolve) => socket.once("close", resolve))
    await bridge.close()
    await closed
    expect(socket.destroyed).toBe(true)
  })
})
