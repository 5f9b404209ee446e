import http from "node:http"
import type { AddressInfo } from "node:net"

/** One request the capture server received, headers unredacted: it exists to see what leaked. */
export interface CapturedRequest {
  method: string
  /** Path and query. */
  url: string
  headers: Record<string, string>
  body: string
}

/** A loopback server that answers 200 to everything and remembers what it got. */
export interface CaptureServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly requests: CapturedRequest[]
  close(): Promise<void>
}

/**
 * Starts a server on 127.0.0.1 that records every request and answers `200 {"ok":true}`: point a
 * mock redirect at it to prove that credentials never follow a redirect to another origin.
 *
 * @example
 * ```ts
 * const capture = await startCaptureServer()
 * mock.script({ respond: { kind: "redirect", status: 307, location: `${capture.url}/v1/messages` } })
 * // …make a request through the code under test…
 * expect(capture.requests.every((r) => !r.headers["x-api-key"])).toBe(true)
 * await capture.close()
 * ```
 */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v)
      requests.push({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      })
      res.writeHead(200, { "content-type": "application/json" })
      res.end('{"ok":true}')
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
