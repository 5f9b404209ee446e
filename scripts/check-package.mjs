#!/usr/bin/env node
// Checks the packed artifact of the package in the current directory, not the source tree:
// the package.json conventions of STYLE.md, publint --strict, and arethetypeswrong (ESM only).
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"

const dir = process.cwd()
const root = resolve(import.meta.dirname, "..")
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
const problems = []
const expect = (ok, message) => ok || problems.push(message)

expect(pkg.type === "module", 'package.json: "type" must be "module"')
expect(pkg.sideEffects === false, 'package.json: "sideEffects" must be false')
expect(JSON.stringify(pkg.files) === '["dist"]', 'package.json: "files" must be ["dist"]')
expect(typeof pkg.engines?.node === "string", 'package.json: "engines.node" must be set')
expect(
  pkg.repository?.directory === relative(root, dir),
  `package.json: "repository.directory" must be "${relative(root, dir)}"`,
)
expect(pkg.license === "MIT", 'package.json: "license" must be "MIT"')
const exportsField = pkg.exports ?? {}
expect(
  Object.keys(exportsField).every((k) => !k.includes("*")),
  "package.json: no wildcard exports",
)
expect(
  "." in exportsField && "./package.json" in exportsField,
  'package.json: exports must list "." and "./package.json"',
)
for (const [key, value] of Object.entries(exportsField)) {
  if (typeof value !== "object") continue
  const conditions = Object.keys(value)
  expect(conditions[0] === "types", `package.json: exports["${key}"] must list "types" first`)
  expect(!("require" in value), `package.json: exports["${key}"] is ESM only; remove "require"`)
}
for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
  if (name.startsWith("@keyrelay/"))
    expect(range === "workspace:^", `package.json: sibling ${name} must be "workspace:^"`)
}
const readme = existsSync(join(dir, "README.md")) ? readFileSync(join(dir, "README.md"), "utf8") : ""
expect(readme.includes(pkg.name), `README.md must exist and name ${pkg.name}`)
for (const heading of ["## Install", "## Example", "## API", "## Errors", "## Changelog"]) {
  expect(readme.includes(heading), `README.md: missing the "${heading}" section (STYLE.md, item 6)`)
}

const out = mkdtempSync(join(tmpdir(), "keyrelay-pack-"))
try {
  execFileSync("pnpm", ["pack", "--pack-destination", out], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  })
  const tarball = execFileSync("ls", [out], { encoding: "utf8" }).trim().split("\n")[0]
  const tgz = join(out, tarball)
  const run = (cmd, args) => {
    try {
      execFileSync(cmd, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" })
    } catch (err) {
      problems.push(`${cmd} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`)
    }
  }
  run("publint", ["run", tgz, "--strict"])
  run("attw", [tgz, "--profile", "esm-only", "--format", "ascii", "--no-emoji", "--no-color"])
} finally {
  rmSync(out, { recursive: true, force: true })
}

if (problems.length > 0) {
  console.error(
    `${pkg.name}: the packed package has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`,
  )
  process.exit(1)
}
console.log(`${pkg.name}: package.json, publint --strict and arethetypeswrong (esm-only) pass`)
