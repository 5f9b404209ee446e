import { describe, expect, it } from "vitest"
import { describeRunFailure } from "./describe-run-failure.ts"
import { sandboxPaths } from "./opencode-sandbox.ts"

const KEY = "sk-ant-api03-test-describe-failure-key"
const logLines = Array.from({ length: 40 }, (_, i) => `timestamp=t level=INFO message=step${i}`)
const base = {
  exitCode: 1,
  signal: null,
  timedOut: false,
  durationMs: 4321,
  isolated: true,
  stderr: [
    ...logLines,
    "\u001b[91mError: \u001b[0mbad key",
    `timestamp=t level=ERROR message=x key=${KEY}`,
  ].join("\n"),
  sandbox: { ...sandboxPaths("/tmp/sb"), kept: true },
}

describe("describeRunFailure", () => {
  it("says how it ended, where the sandbox is, what OpenCode said and the last 30 log lines", () => {
    const text = describeRunFailure(base, { timeoutMs: 60_000, secrets: [KEY] })
    expect(text).toContain(
      "exited with code 1 after 4.3 s (in a loopback-only network namespace; sandbox kept at /tmp/sb)",
    )
    expect(text).toContain("OpenCode said:\n  Error: bad key")
    expect(text).toContain("last 30 log lines:")
    expect(text).toContain("message=step39")
    expect(text).not.toContain("message=step10\n")
    expect(text).not.toContain("\u001b[")
  })

  it("never shows a configured secret, even in a clipped line", () => {
    const prefix = "timestamp=t level=INFO message=x pad="
    // The key straddles the 400-character clip: clipping first would leave its first 10 characters.
    const long = `${prefix}${"p".repeat(390 - prefix.length)}${KEY}`
    const text = describeRunFailure(
      { ...base, stderr: `${base.stderr}\n${long}` },
      { timeoutMs: 1, secrets: [KEY] },
    )
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(KEY.slice(0, 10))
    expect(text).toContain("[redacted]")
  })

  it("names a timeout and a signal", () => {
    expect(
      describeRunFailure({ ...base, timedOut: true, exitCode: null, signal: "SIGKILL" }, { timeoutMs: 5000 }),
    ).toContain("did not finish within 5000 ms")
    expect(describeRunFailure({ ...base, exitCode: null, signal: "SIGTERM" }, { timeoutMs: 5000 })).toContain(
      "was killed by SIGTERM",
    )
  })
})
