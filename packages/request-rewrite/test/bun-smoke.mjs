// Run by test/dist.test.ts with Bun 1.3.14 (OpenCode's runtime): the built package against two Bun servers on
// 127.0.0.1, where the account's server redirects to the other. Prints one JSON line of what it saw.
import { buildOutgoingRequest, readRequestFacts, VERSION } from "../dist/index.js"

const seen = { account: [], elsewhere: [] }
const elsewhere = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    seen.elsewhere.push(req.url)
    return new Response("stolen")
  },
})
const account = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    seen.account.push({
      path: new URL(req.url).pathname,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
    })
    return new Response(null, { status: 307, headers: { location: `${elsewhere.url.origin}/v1/messages` } })
  },
})
try {
  const out = buildOutgoingRequest({
    url: "https://api.anthropic.com/v1/messages",
    init: {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "", "user-agent": "opencode/1.18.33" },
      body: JSON.stringify({ tools: [{ name: "srv.tool" }], messages: [] }),
      timeout: false,
    },
    account: { baseUrl: account.url.origin },
    credential: { type: "api-key", key: "sk-ant-api03-test-bun-key" },
    host: "opencode",
  })
  const response = await fetch(out.url, out.init)
  console.log(
    JSON.stringify({
      version: VERSION,
      status: response.status,
      seen,
      inspected: Bun.inspect(out),
      json: JSON.stringify(out),
      toolNames: [...(out.toolNames ?? [])],
      facts: [
        readRequestFacts('{"model":"claude-opus-4-8","stream":true}'),
        readRequestFacts(new TextEncoder().encode('{"messages":[{"model":"x"}],"speed":"f\\u0061st"}')),
        readRequestFacts(new Uint8Array([0x7b, 0xff, 0x7d])),
      ],
    }),
  )
} finally {
  elsewhere.stop(true)
  account.stop(true)
}
