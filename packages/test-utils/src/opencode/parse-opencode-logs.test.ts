import { describe, expect, it } from "vitest"
import { parseOpencodeLogs } from "./parse-opencode-logs.ts"

// Lines as OpenCode 1.18.33 prints them with --print-logs (ANSI codes and the banner included).
const STDERR = [
  'timestamp=2026-11-28T06:33:13.586Z level=INFO run=aa6c4f2f message="creating instance" directory=/tmp/sb/proj',
  "\u001b[0m",
  "> build · claude-sonnet-4-5",
  'timestamp=2026-11-28T06:33:15.208Z level=ERROR run=aa6c4f2f message=process error="invalid x-api-key" stack="AI_APICallError: invalid \\"key\\"\\n    at x" path=""',
  "\u001b[91m\u001b[1mError: \u001b[0minvalid x-api-key",
  "",
].join("\n")

describe("parseOpencodeLogs", () => {
  it("keeps only the log lines, in order", () => {
    const logs = parseOpencodeLogs(STDERR)
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ["INFO", "creating instance"],
      ["ERROR", "process"],
    ])
    expect(logs[0]!.line).toBe(STDERR.split("\n")[0])
  })

  it("parses bare and quoted values, unescaping quotes and newlines", () => {
    const [, error] = parseOpencodeLogs(STDERR)
    expect(error!.timestamp).toBe("2026-11-28T06:33:15.208Z")
    expect(error!.fields).toMatchObject({
      run: "aa6c4f2f",
      error: "invalid x-api-key",
      stack: 'AI_APICallError: invalid "key"\n    at x',
      path: "",
    })
  })

  it("returns nothing for output without log lines", () => {
    expect(parseOpencodeLogs("Hello\n")).toEqual([])
  })
})
