// Cost of buildOutgoingRequest on the common OpenCode request: a ~200 KB Messages body with 40 tools and a
// conversation history. Cases: all names valid (the body must pass through unparsed), the same with free-text
// "name" fields in tool inputs (MCP-style; the key search cannot clear it, the structure walk must), one invalid
// name, every name invalid — against a baseline measured in the same run: JSON.parse + JSON.stringify of the
// valid body. Also readRequestFacts (model, stream, speed), which pool-fetch calls on every request before it picks
// an account: on this body `stream` comes last, so the walk skips the whole conversation to reach it.
// Run: pnpm bench request-rewrite   (or, after a build: node --expose-gc bench/request-rewrite.bench.mjs)
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { buildOutgoingRequest, readRequestFacts } from "@keyrelay/request-rewrite"

const TARGET_BYTES = 200 * 1024
const TOOLS = 40

function words(n, seed) {
  const vocabulary = [
    "the",
    "file",
    "path",
    "tool",
    "returns",
    "output",
    "when",
    "a",
    "search",
    "edit",
    "line",
  ]
  let out = ""
  for (let i = 0; i < n; i++) out += `${vocabulary[(i * 7 + seed) % vocabulary.length]} `
  return out.trim()
}

function tool(name, i) {
  return {
    name,
    description: words(220, i), // ~1.2 KB, like OpenCode's tool descriptions
    input_schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        name: { type: "string", description: words(12, i + 1) },
        path: { type: "string", description: words(16, i + 2) },
        limit: { type: "number", description: words(8, i + 3) },
        options: {
          type: "object",
          properties: { recursive: { type: "boolean" }, pattern: { type: "string" } },
          additionalProperties: false,
        },
      },
      required: ["path"],
      additionalProperties: false,
    },
    eager_input_streaming: true,
  }
}

function body(toolNames, freeTextNames = false) {
  const messages = []
  let turn = 0
  const value = () => ({
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    system: [{ type: "text", text: words(1500, 0), cache_control: { type: "ephemeral" } }],
    messages,
    tools: toolNames.map(tool),
    tool_choice: { type: "auto" },
    stream: true,
  })
  messages.push({ role: "user", content: [{ type: "text", text: words(40, 1) }] })
  while (JSON.stringify(value()).length < TARGET_BYTES) {
    const name = toolNames[turn % toolNames.length]
    const id = `toolu_${String(turn).padStart(4, "0")}`
    messages.push({
      role: "assistant",
      content: [
        { type: "text", text: words(30, turn) },
        {
          type: "tool_use",
          id,
          name,
          input: freeTextNames
            ? { path: `/src/file-${turn}.ts`, name: `My File ${turn}.txt` }
            : { filePath: `/src/file-${turn}.ts`, description: words(6, turn) },
        },
      ],
    })
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: id, content: words(250, turn) }],
    })
    turn++
  }
  return JSON.stringify(value())
}

const valid = Array.from({ length: TOOLS }, (_, i) => `tool_${i}`)
const bodies = {
  valid: body(valid),
  validFreeText: body(valid, true),
  oneInvalid: body(valid.map((n, i) => (i === 7 ? "github.create_issue" : n))),
  manyInvalid: body(valid.map((n, i) => `mcp.server-${i % 4}/${n}`)),
}

const headers = {
  "content-type": "application/json",
  "user-agent": "opencode/1.18.33 ai-sdk/provider-utils/4.0.46 runtime/bun/1.3.14",
  "anthropic-beta": "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
  "anthropic-version": "2023-06-01",
  "x-api-key": "",
}
const rewrite = (text) =>
  buildOutgoingRequest({
    url: "https://api.anthropic.com/v1/messages",
    init: { method: "POST", headers, body: text },
    credential: { type: "api-key", key: "sk-ant-api03-test-bench" },
    host: "opencode",
  })

// Sanity: the cases really are what they claim.
for (const k of ["valid", "validFreeText"])
  if (rewrite(bodies[k]).init.body !== bodies[k]) throw new Error(`${k} body was not passed through`)
if (rewrite(bodies.oneInvalid).toolNames?.size !== 1)
  throw new Error("one-invalid case did not rename one name")
if (rewrite(bodies.manyInvalid).toolNames?.size !== TOOLS)
  throw new Error("many-invalid case did not rename all")
if (JSON.stringify(readRequestFacts(bodies.valid)) !== '{"stream":true,"model":"claude-sonnet-4-5"}')
  throw new Error("readRequestFacts did not read the body's facts")

let sink = 0
function measure(fn) {
  for (let i = 0; i < 50; i++) sink += fn() ? 1 : 0
  let n = 1
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < n; i++) sink += fn() ? 1 : 0
    if (performance.now() - t > 100) break
    n *= 2
  }
  // Wall clock, and CPU time of this process (less disturbed when the machine is shared).
  const rounds = []
  const cpu = []
  for (let r = 0; r < 9; r++) {
    globalThis.gc?.()
    const c = process.cpuUsage()
    const t = performance.now()
    for (let i = 0; i < n; i++) sink += fn() ? 1 : 0
    rounds.push(((performance.now() - t) * 1000) / n)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / n)
  }
  rounds.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  return { usPerOp: rounds[4], min: rounds[0], max: rounds[8], cpuUsPerOp: cpu[4], iterations: n }
}

const cases = [
  ["baseline: JSON.parse + JSON.stringify (200 KB)", () => JSON.stringify(JSON.parse(bodies.valid))],
  ["valid names (pass-through)", () => rewrite(bodies.valid)],
  ['valid names, free-text "name" in tool inputs (pass-through)', () => rewrite(bodies.validFreeText)],
  ["one invalid name", () => rewrite(bodies.oneInvalid)],
  ["40 invalid names", () => rewrite(bodies.manyInvalid)],
  ["readRequestFacts (200 KB, stream last)", () => readRequestFacts(bodies.valid)],
  [
    "no body (GET /v1/models)",
    () =>
      buildOutgoingRequest({
        url: "https://api.anthropic.com/v1/models",
        init: { headers },
        credential: { type: "api-key", key: "sk-ant-api03-test-bench" },
      }),
  ],
]

const results = []
for (const [name, fn] of cases) results.push({ name, ...measure(fn) })
const baseline = results[0].usPerOp
const cpuBaseline = results[0].cpuUsPerOp
console.log(
  `body sizes (bytes): ${JSON.stringify(Object.fromEntries(Object.entries(bodies).map(([k, v]) => [k, v.length])))}; ` +
    `${TOOLS} tools; node ${process.version}\n`,
)
console.log("| case | µs/request (median of 9) | min–max | × baseline | CPU µs/request | CPU × baseline |")
console.log("|---|---:|---:|---:|---:|---:|")
for (const r of results)
  console.log(
    `| ${r.name} | ${r.usPerOp.toFixed(1)} | ${r.min.toFixed(1)}–${r.max.toFixed(1)} | ` +
      `${(r.usPerOp / baseline).toFixed(3)} | ${r.cpuUsPerOp.toFixed(1)} | ${(r.cpuUsPerOp / cpuBaseline).toFixed(3)} |`,
  )

const out = join(dirname(fileURLToPath(import.meta.url)), "results")
mkdirSync(out, { recursive: true })
writeFileSync(
  join(out, "request-rewrite.json"),
  `${JSON.stringify(
    {
      node: process.version,
      bodyBytes: Object.fromEntries(Object.entries(bodies).map(([k, v]) => [k, v.length])),
      tools: TOOLS,
      results: results.map((r) => ({
        ...r,
        ratioToBaseline: r.usPerOp / baseline,
        cpuRatioToBaseline: r.cpuUsPerOp / cpuBaseline,
      })),
    },
    null,
    2,
  )}\n`,
)
if (sink === -1) console.log(sink)
