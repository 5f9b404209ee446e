// The observer and the mapper on a real response body: a node:http server on 127.0.0.1 writes a recorded
// transcript in uneven pieces, and global fetch reads it, as pool-fetch will.
import { createServer, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { createEventMapper, createStreamObserver } from "../src/index.ts"
import { collect, sameBytes, transcript, utf8 } from "./support.ts"

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

async function serve(respond: (res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => respond(res))
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`
}

/** Writes `bytes` in pieces of 1 to 300 bytes with a short pause between some of them. */
async function writeInPieces(res: ServerResponse, bytes: Uint8Array): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream" })
  let at = 0
  let i = 0
  while (at < bytes.length) {
    const size = 1 + ((i * 97) % 300)
    res.write(bytes.subarray(at, at + size))
    at += size
    if (i++ % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

const renameTool = () =>
  createEventMapper({
    types: ["content_block_start"],
    map(event) {
      const data = event.data as { content_block: { type: string; name?: string } }
      if (data.content_block.name !== "get_weather") return undefined
      return { ...event, data: { ...data, content_block: { ...data.content_block, name: "weather.get" } } }
    },
  })

describe("over a loopback HTTP response", () => {
  it("maps and observes a streamed response as it arrives", async () => {
    const bytes = transcript("tool-use")
    const url = await serve(async (res) => {
      await writeInPieces(res, bytes)
      res.end()
    })
    const startedAt = Date.now()
    const response = await fetch(url, { method: "POST" })
    const observer = createStreamObserver({ startedAt })
    const output = await collect(response.body!.pipeThrough(renameTool()).pipeThrough(observer))
    const expected = utf8.encode(
      new TextDecoder()
        .decode(bytes)
        .replace('"name":"get_weather","input":{}', '"name":"weather.get","input":{}'),
    )
    expect(sameBytes(output, expected)).toBe("equal")
    const summary = await observer.summary
    expect(summary).toMatchObject({
      stopReason: "tool_use",
      sawMessageStop: true,
      truncated: false,
      end: "eof",
    })
    expect(summary.usage).toMatchObject({ inputTokens: 472, outputTokens: 89 })
    expect(summary.timeToFirstByteMs).toBeGreaterThanOrEqual(0)
    expect(summary.timeToFirstContentMs).toBeGreaterThanOrEqual(summary.timeToFirstByteMs!)
  })

  it("settles as 'abort' and truncated when the connection drops mid-stream", async () => {
    const bytes = transcript("text")
    // The connection drops only once the client has read the 500 bytes: a reset that arrives first may discard
    // what the client's socket still holds (a race a loaded machine loses).
    let drop!: () => void
    const dropped = new Promise<void>((resolve) => {
      drop = resolve
    })
    const url = await serve(async (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.write(bytes.subarray(0, 500))
      await dropped
      res.socket?.destroy()
    })
    const response = await fetch(url, { method: "POST" })
    const observer = createStreamObserver()
    const reader = response.body!.pipeThrough(observer).getReader()
    let received = 0
    while (received < 500) {
      const { done, value } = await reader.read()
      if (done) throw new Error(`the body ended after ${received} bytes`)
      received += value.byteLength
    }
    drop()
    await expect(
      (async () => {
        while (!(await reader.read()).done) {}
      })(),
    ).rejects.toThrow()
    expect(await observer.summary).toMatchObject({
      end: "abort",
      truncated: true,
      sawMessageStop: false,
      messageId: "msg_01TextExample0000000000",
      bytes: 500,
    })
  })

  it("settles as 'cancel' when the caller stops reading, and the server sees the connection go", async () => {
    let closed!: () => void
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve
    })
    const url = await serve((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.write(transcript("text").subarray(0, 300))
      res.on("close", closed)
    })
    const response = await fetch(url, { method: "POST" })
    const observer = createStreamObserver()
    const reader = response.body!.pipeThrough(observer).getReader()
    await reader.read()
    await reader.cancel()
    expect(await observer.summary).toMatchObject({ end: "cancel", truncated: false })
    // The cancel reached the body; closing the connection is then fetch's job. Bun 1.3's fetch keeps it open
    // after its body is cancelled (with or without a transform in between), so this is checked in Node only.
    if (!("Bun" in globalThis)) await serverSawClose
  })
})
