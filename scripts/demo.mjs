#!/usr/bin/env node
// `pnpm demo`: the real OpenCode 1.18.33 answers prompts through the keyrelay plugin, against a local mock of the
// Anthropic API with three keys in two organizations. Nothing leaves this machine: OpenCode runs in a network
// namespace where only loopback exists (where the system allows one), and every key is a fake one.
// It shows which account serves, a failover (a revoked key, then an organization's rate limit), and the usage and
// cost keyrelay recorded per account. Run it after `pnpm install`; `pnpm demo` builds first.
import { existsSync, readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const built = {
  plugin: join(root, "packages/opencode-plugin/dist/index.js"),
  testUtils: join(root, "packages/test-utils/dist/index.js"),
  accountStore: join(root, "packages/account-store/dist/index.js"),
  authMarker: join(root, "packages/pool-fetch/dist/opencode-auth-marker.js"),
}
const toastRecorder = join(root, "packages/opencode-plugin/test/fixtures/toast-recorder.js")

for (const [name, file] of Object.entries(built)) {
  if (!existsSync(file))
    fail(`${name} is not built (${file} is missing). Run \`pnpm demo\`, which builds first.`)
}

const { createOpencodeSandbox, defaultMockConfig, detectNetworkNamespace, runOpencode, startMockAnthropic } =
  await import(built.testUtils)
const { openAccountStore } = await import(built.accountStore)
const { OPENCODE_AUTH_MARKER } = await import(built.authMarker)

const bold = (text) =>
  process.stdout.isTTY && !("NO_COLOR" in process.env) ? `\x1b[1m${text}\x1b[22m` : text
const say = (text = "") => console.log(text)

function fail(message) {
  console.error(`\nThe demo stopped: ${message}`)
  process.exit(1)
}

const config = defaultMockConfig()
const org = Object.fromEntries(config.organizations.map((o) => [o.id, o.name]))
const scratch = await mkdtemp(join(tmpdir(), "keyrelay-demo-"))
const mock = await startMockAnthropic({ ...config, socketPath: join(scratch, "mock.sock") })
const netns = await detectNetworkNamespace()
// Where OpenCode reaches the mock: the harness's bridge inside the loopback-only namespace, or the mock itself.
const baseUrl = netns.available ? netns.bridgeOrigin : mock.url
const sandbox = await createOpencodeSandbox()
const home = join(sandbox.configHome, "keyrelay")
let exitCode = 0

try {
  say(bold("keyrelay demo"))
  say("A real OpenCode answers prompts through the keyrelay plugin. The Anthropic API here is a local mock,")
  say("the keys are fake, and nothing leaves this machine.")
  say()

  const store = await openAccountStore({ home, watch: false, flushOnExit: false })
  for (const credential of config.credentials) {
    await store.addAccount({
      label: credential.label,
      credential: { kind: "api-key", key: credential.apiKey },
      baseUrl,
    })
  }
  await store.close()
  say(
    `keyrelay's pool (${config.credentials.length} accounts in ${config.organizations.length} organizations):`,
  )
  for (const credential of config.credentials) {
    say(`  ${credential.label.padEnd(9)} a key of the ${org[credential.organizationId]} organization`)
  }
  say("OpenCode's own auth store holds only keyrelay's marker, no key.")

  let step = 0
  async function scene(title, explanation, expected) {
    step++
    say()
    say(bold(`${step}. ${title}`))
    if (explanation) say(`   ${explanation}`)
    const toastFile = join(scratch, `toasts-${step}.jsonl`)
    const run = await runOpencode({
      mock,
      prompt: "say hi",
      title: "keyrelay demo",
      sandbox,
      auth: { anthropic: OPENCODE_AUTH_MARKER },
      plugins: [{ path: built.plugin, options: { debounceMs: 0 } }, toastRecorder],
      env: { KEYRELAY_E2E_TOASTS: toastFile },
      reject: false,
    })
    const sent = run.requests.filter((r) => r.method === "POST" && r.path === "/v1/messages")
    for (const request of sent) {
      const status = request.response?.status
      const outcome =
        status === 200 ? "answered" : `refused with ${status} ${request.response?.errorType ?? ""}`
      say(`   → request with the key of ${bold(request.credential?.label ?? "?")}: ${outcome}`)
    }
    if (run.exitCode !== 0) fail(`OpenCode exited with ${run.exitCode}:\n${run.stderr.slice(-2000)}`)
    say(`   OpenCode printed: "${run.stdout.trim()}"`)
    const served = sent.findLast((r) => r.response?.status === 200)?.credential?.label
    say(`   Served by: ${bold(served ?? "nobody")}`)
    const toasts = existsSync(toastFile)
      ? readFileSync(toastFile, "utf8").split("\n").filter(Boolean).map(JSON.parse)
      : []
    for (const toast of toasts) {
      for (const line of toast.message.split("\n")) say(`   toast (${toast.variant}): ${line}`)
    }
    if (served !== expected) fail(`expected "${expected}" to serve, but "${served}" did.`)
    for (const request of sent) {
      if (!/ keyrelay\//.test(request.headers["user-agent"] ?? ""))
        fail("a request did not name keyrelay in its user-agent.")
    }
    return run
  }

  const first = await scene("A prompt", "", "work")
  mock.setState({ credential: "work" }, "revoked")
  await scene(
    'The "work" key is revoked',
    "Anthropic now answers 401 for it. keyrelay disables it and fails over at once; OpenCode never sees the error.",
    "work-ci",
  )
  mock.script({
    match: { organizationId: config.organizations[0].id },
    respond: { kind: "error", error: "rate-limit", retryAfter: 60 },
  })
  await scene(
    "The Work organization hits its rate limit",
    "Keys of one organization share its limits, so keyrelay cools the whole organization and moves to another.",
    "personal",
  )

  say()
  say(bold(`${step + 1}. What keyrelay recorded`))
  const after = await openAccountStore({ home, watch: false, flushOnExit: false })
  const accounts = after.listAccounts()
  const usage = after.usage()
  const table = [["account", "state", "requests", "input", "cache write", "cache read", "output", "cost"]]
  for (const account of accounts) {
    const mine = usage.filter((row) => row.accountId === account.id)
    const sum = (field) => mine.reduce((total, row) => total + row[field], 0)
    table.push(
      [
        account.label,
        account.enabled ? "enabled" : "disabled",
        sum("requests"),
        sum("inputTokens"),
        sum("cacheWrite5mTokens") + sum("cacheWrite1hTokens"),
        sum("cacheReadTokens"),
        sum("outputTokens"),
        `$${(sum("costMicroUsd") / 1e6).toFixed(4)}`,
      ].map(String),
    )
  }
  await after.close()
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)))
  for (const [index, row] of table.entries()) {
    const line = row.map((cell, column) =>
      column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
    )
    say(`   ${index === 0 ? bold(line.join("  ")) : line.join("  ")}`)
  }
  say(
    "   (tokens; work-ci read the prompt cache that work had written in the same organization, so it cost less)",
  )
  say("   keyrelay keeps usage and cost per account, model, project and day; `keyrelay usage` shows them.")
  say(
    first.isolated
      ? "Every request named keyrelay in its user-agent, and OpenCode ran where only loopback exists."
      : `Every request named keyrelay in its user-agent. (No loopback-only network namespace here: ${netns.reason ?? "unavailable"}.)`,
  )
} catch (error) {
  console.error(`\nThe demo stopped: ${error?.message ?? error}`)
  exitCode = 1
} finally {
  await sandbox.remove()
  await mock.close()
  await rm(scratch, { recursive: true, force: true })
}
process.exit(exitCode)
