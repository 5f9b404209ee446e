#!/usr/bin/env node
// keyrelay-mock-anthropic: the mock of the Anthropic API as a process, for scripts, the OpenCode harness
// and people. Prints one JSON line {"url","socketPath"} on stdout when ready; stops on SIGTERM/SIGINT.
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { defaultMockConfig } from "./mock/default-mock-config.ts"
import type { MockConfig } from "./mock/mock-config.ts"
import { startMockAnthropic } from "./mock/start-mock-anthropic.ts"

const USAGE = `Usage: keyrelay-mock-anthropic [--config mock.json] [--port N] [--socket PATH] [--log requests.jsonl]

Starts a mock of the Anthropic API on 127.0.0.1. Without --config it serves two organizations and three
fake keys (printed on stderr). Script it at runtime with POST <url>/_mock/control (see the README).`

function fail(message: string): never {
  process.stderr.write(`keyrelay-mock-anthropic: ${message}\n${USAGE}\n`)
  process.exit(2)
}

async function main(): Promise<void> {
  let values: { config?: string; port?: string; socket?: string; log?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      options: {
        config: { type: "string" },
        port: { type: "string" },
        socket: { type: "string" },
        log: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }))
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let config: MockConfig
  if (values.config) {
    try {
      config = JSON.parse(readFileSync(values.config, "utf8")) as MockConfig
    } catch (error) {
      fail(
        `cannot read the config ${values.config}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  } else config = defaultMockConfig()
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, got ${values.port}`)

  const mock = await startMockAnthropic({
    ...config,
    port,
    ...(values.socket ? { socketPath: values.socket } : {}),
    ...(values.log ? { logFile: values.log } : {}),
  })
  if (!values.config) {
    const lines = (config.credentials ?? []).map(
      (c) => `  ${c.label.padEnd(10)} org ${c.organizationId}  ${c.apiKey ?? ""}`,
    )
    process.stderr.write(
      `Mock Anthropic API at ${mock.url} with fake keys:\n${lines.join("\n")}\n` +
        `Try: curl ${mock.url}/v1/messages -H 'x-api-key: ${config.credentials?.[0]?.apiKey}' ` +
        `-H 'anthropic-version: 2023-06-01' -H 'content-type: application/json' ` +
        `-d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'\n`,
    )
  }
  // Last, so that whoever waits for this line finds the guide on stderr already written.
  process.stdout.write(`${JSON.stringify({ url: mock.url, socketPath: mock.socketPath ?? null })}\n`)
  const stop = () => {
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`keyrelay-mock-anthropic: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
