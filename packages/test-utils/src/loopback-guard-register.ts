// Loaded with `node --import @keyrelay/test-utils/loopback-guard-register` into child processes that
// tests start (the CLI, a writer process): the same guard as in-process tests. When
// KEYRELAY_LOOPBACK_GUARD_LOG names a file, each attempt is appended to it as a JSON line so the
// parent test can fail on attempts the child swallowed.
import { appendFileSync } from "node:fs"
import { installLoopbackGuard, takeNonLoopbackAttempts } from "./loopback-guard.ts"

installLoopbackGuard()

const log = process.env.KEYRELAY_LOOPBACK_GUARD_LOG
if (log) {
  process.on("exit", () => {
    for (const a of takeNonLoopbackAttempts()) {
      appendFileSync(log, `${JSON.stringify({ pid: process.pid, via: a.via, host: a.host, port: a.port })}\n`)
    }
  })
}
