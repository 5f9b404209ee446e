// Entry point run inside a new network namespace (`unshare -n node opencode-netns-runner.js <spec>`):
// brings loopback up, bridges 127.0.0.1:<port> to the mock's unix socket, runs OpenCode, and exits as it
// exited. Built to dist/opencode-netns-runner.js; runOpencode starts it, nothing else should.
import { execFileSync, spawn } from "node:child_process"
import { startLoopbackBridge } from "./loopback-bridge.ts"

/** What the harness hands the runner, as JSON in argv[2]. */
export interface NetnsRunnerSpec {
  ip: string
  socketPath: string
  port: number
  command: string
  args: string[]
  cwd: string
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as NetnsRunnerSpec
  execFileSync(spec.ip, ["link", "set", "lo", "up"], { stdio: ["ignore", "ignore", "inherit"] })
  const bridge = await startLoopbackBridge({ socketPath: spec.socketPath, port: spec.port })
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, stdio: "inherit", env: process.env })
  const forwarded = ["SIGTERM", "SIGINT", "SIGHUP"] as const
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  for (const signal of forwarded) process.on(signal, forward)
  child.on("error", (error) => {
    process.stderr.write(`[opencode-harness] could not start ${spec.command}: ${error.message}\n`)
    process.exit(127)
  })
  child.on("exit", (code, signal) => {
    void bridge.close().then(() => {
      for (const s of forwarded) process.off(s, forward)
      if (signal) process.kill(process.pid, signal)
      process.exit(code ?? 1)
    })
  })
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[opencode-harness] namespace runner failed: ${(error as Error).stack ?? String(error)}\n`,
  )
  process.exit(125)
})
