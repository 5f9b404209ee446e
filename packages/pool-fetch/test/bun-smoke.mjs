// Run by test/bun.test.ts under Bun 1.3.14 (OpenCode's runtime): the built pool-fetch over a store in KEYRELAY_HOME
// and the mock API at MOCK_URL (served by the Node test process). Prints one JSON line of what it saw.
import { openAccountStore } from "@keyrelay/account-store"
import { createPoolFetch } from "../dist/index.js"

const store = await openAccountStore({ home: process.env.KEYRELAY_HOME, watch: false, flushOnExit: false })
for (const [label, key] of JSON.parse(process.env.KEYS)) {
  await store.addAccount({ label, credential: { kind: "api-key", key }, baseUrl: process.env.MOCK_URL })
}
const events = []
const pool = await createPoolFetch({ store, host: "opencode/1.18.33", onEvent: (e) => events.push(e.type) })
const body = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }
const post = (extra) =>
  pool("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "" },
    body: JSON.stringify({ ...body, ...extra }),
  })
const json = await post({})
const jsonBody = await json.json()
const stream = await post({ stream: true })
const streamText = await stream.text()
await pool.flush()
const usage = store.usage()
await pool.close()
await store.close()
console.log(
  JSON.stringify({
    runtime: typeof Bun === "undefined" ? "node" : `bun ${Bun.version}`,
    json: { status: json.status, type: jsonBody.type },
    stream: { status: stream.status, complete: streamText.includes("event: message_stop") },
    requests: usage.reduce((n, row) => n + row.requests, 0),
    events,
  }),
)
