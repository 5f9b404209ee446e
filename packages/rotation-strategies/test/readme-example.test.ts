import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it, vi } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))

it("the README example runs as written and prints what its comments say", async () => {
  const readme = readFileSync(join(here, "..", "README.md"), "utf8")
  const example = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  expect(example).toBeDefined()
  const dir = join(here, ".tmp")
  mkdirSync(dir, { recursive: true })
  const file = join(dir, "readme-example.ts")
  writeFileSync(file, example!.replace('from "@keyrelay/rotation-strategies"', 'from "../../src/index.ts"'))
  const log = vi.spyOn(console, "log").mockImplementation(() => {})
  await import(file)
  const lines = log.mock.calls.map((args) => args.join(" "))
  expect(lines[0]).toBe("rate-limit org:org-work|sonnet-4.x")
  expect(lines[1]).toBe("acc_personal")
  expect(lines[2]).toMatch(
    /^No account can serve this request before \S+Z \(in 20 s\)\. acc_work: 429 rate_limit_error: .*acc_personal: 400 invalid_request_error: the organization's credit balance is too low/,
  )
})
