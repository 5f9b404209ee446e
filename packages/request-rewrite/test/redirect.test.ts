// Real fetch against real servers on 127.0.0.1: the account's server answers with a redirect to another origin
// (another port), and the credential must never reach it.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { buildOutgoingRequest, type Credential } from "../src/index.ts"

interface Recorded {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

async function serve(
  respond: (req: Recorded) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ origin: string; received: Recorded[] }> {
  const received: Recorded[] = []
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => {
      body += chunk
    })
    req.on("end", () => {
      const recorded = { method: req.method, url: req.url, headers: req.headers, body }
      received.push(recorded)
      const answer = respond(recorded)
      res.writeHead(answer.status, answer.headers).end(answer.body ?? "")
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
}

const key: Credential = { type: "api-key", key: "sk-ant-api03-test-redirect-key" }
const token: Credential = { type: "bearer", token: "sk-ant-oat01-test-redirect-token" }

describe("redirects never carry the credential", () => {
  it.each([301, 302, 303, 307, 308])("a %i to another origin comes back to the caller", async (status) => {
    const elsewhere = await serve(() => ({ status: 200, body: "stolen" }))
    const account = await serve(() => ({ status, headers: { location: `${elsewhere.origin}/v1/messages` } }))
    for (const credential of [key, token]) {
      const out = buildOutgoingRequest({
        url: "https://api.anthropic.com/v1/messages",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          redirect: "follow",
        },
        account: { baseUrl: account.origin },
        credential,
      })
      const response = await fetch(out.url, out.init)
      expect(response.status).toBe(status)
      expect(response.headers.get("location")).toBe(`${elsewhere.origin}/v1/messages`)
      await response.body?.cancel()
    }
    expect(elsewhere.received).toEqual([])
    expect(account.received.map((r) => r.headers["x-api-key"] ?? r.headers.authorization)).toEqual([
      "sk-ant-api03-test-redirect-key",
      "Bearer sk-ant-oat01-test-redirect-token",
    ])
  })

  it("does not follow a redirect within the same origin either", async () => {
    const account = await serve((req) =>
      req.url === "/v1/messages" ? { status: 307, headers: { location: "/v1/other" } } : { status: 200 },
    )
    const out = buildOutgoingRequest({
      url: "/v1/messages",
      account: { baseUrl: account.origin },
      credential: key,
    })
    const response = await fetch(out.url, out.init)
    expect(response.status).toBe(307)
    expect(account.received.map((r) => r.url)).toEqual(["/v1/messages"])
  })

  it("delivers exactly the built request: path, query, headers and a rewritten body", async () => {
    const account = await serve(() => ({ status: 200, body: "{}" }))
    const body = JSON.stringify({ tools: [{ name: "srv.tool" }], messages: [] })
    const out = buildOutgoingRequest({
      url: "https://api.anthropic.com/v1/messages?beta=true",
      init: { method: "POST", headers: { "x-api-key": "", "content-length": "999" }, body },
      account: { baseUrl: `${account.origin}/gw` },
      credential: token,
      host: "opencode",
    })
    await (await fetch(out.url, out.init)).text()
    const [seen] = account.received
    expect(seen?.url).toBe("/gw/v1/messages?beta=true")
    expect(seen?.headers.authorization).toBe("Bearer sk-ant-oat01-test-redirect-token")
    expect(seen?.headers["x-api-key"]).toBeUndefined()
    expect(seen?.headers["anthropic-beta"]).toBe("oauth-2025-04-20")
    expect(seen?.headers["anthropic-version"]).toBe("2023-06-01")
    expect(seen?.headers["user-agent"]).toMatch(/^opencode keyrelay\/\d+\.\d+\.\d+/)
    expect(JSON.parse(seen?.body ?? "").tools[0].name).toMatch(/^srv_tool_[0-9a-f]{8}$/)
    expect(Number(seen?.headers["content-length"])).toBe(Buffer.byteLength(seen?.body ?? ""))
  })
})
