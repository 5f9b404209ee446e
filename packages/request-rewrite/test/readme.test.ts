// The README's example must run as written: it is run here against the built package, without a key, so it
// stays offline (it only calls the API when ANTHROPIC_API_KEY is set).
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

it("the README example runs as written and prints what its comments say", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const example = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  expect(example).toBeDefined()
  const dist = pathToFileURL(join(root, "dist/index.js")).href
  const dir = mkdtempSync(join(tmpdir(), "request-rewrite-readme-"))
  try {
    const file = join(dir, "example.mjs")
    writeFileSync(file, (example as string).replace('"@keyrelay/request-rewrite"', JSON.stringify(dist)))
    const { ANTHROPIC_API_KEY: _, ...env } = process.env
    const output = execFileSync(process.execPath, [file], { encoding: "utf8", env })
    const lines = output.trim().split("\n")
    expect(lines[0]).toBe("https://api.anthropic.com/v1/messages")
    expect(output).toContain("'x-api-key': '[redacted]'")
    expect(output).not.toContain("sk-ant-api03-test-example")
    expect(lines.at(-1)).toMatch(/^github_create_issue_[0-9a-f]{8}$/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it("the README's readRequestFacts examples give what their comments say", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const block = /## Reading a request without parsing it[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? ""
  const examples = [...block.matchAll(/^(readRequestFacts\(.*\))\n\/\/ (\{.*\})$/gm)]
  expect(examples).toHaveLength(2)
  const { readRequestFacts } = (await import(
    /* @vite-ignore */ pathToFileURL(join(root, "dist/index.js")).href
  )) as typeof import("../src/index.ts")
  for (const [, call, comment] of examples) {
    const actual = new Function("readRequestFacts", `return ${call}`)(readRequestFacts)
    expect(actual).toEqual(new Function(`return (${comment})`)())
  }
})
