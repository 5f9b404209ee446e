#!/usr/bin/env node
// Checks the packed artifact of the package in the current directory, not the source tree:
// the package.json conventions of STYLE.md, publint --strict, and arethetypeswrong (ESM only).
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
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

// The arrows of AGENTS.md ("Packages and arrows"): the siblings each published package may use at run time, checked
// in package.json (dependencies, peer and optional) and in what the build imports (dist). Tests may use any sibling
// as a devDependency.
const LEAVES = [
  "@keyrelay/oauth-pkce",
  "@keyrelay/account-store",
  "@keyrelay/rotation-strategies",
  "@keyrelay/sse-transform",
  "@keyrelay/request-rewrite",
]
const ADAPTER_SIBLINGS = ["@keyrelay/pool-fetch", "@keyrelay/account-store"]
const ALLOWED_SIBLINGS = {
  keyrelay: ADAPTER_SIBLINGS,
  "opencode-keyrelay": ADAPTER_SIBLINGS,
  "@keyrelay/pool-fetch": LEAVES,
  ...Object.fromEntries(LEAVES.map((leaf) => [leaf, []])),
}
const isSibling = (name) =>
  name !== pkg.name && (name.startsWith("@keyrelay/") || name === "keyrelay" || name === "opencode-keyrelay")
const allowed = ALLOWED_SIBLINGS[pkg.name]
if (allowed !== undefined) {
  const why = LEAVES.includes(pkg.name)
    ? "a leaf depends on no sibling at run time; take what it needs as an injected function"
    : `${pkg.name} may use only ${allowed.join(" and ")} among siblings; ask pool-fetch for what you need`
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const name of Object.keys(pkg[field] ?? {}))
      expect(
        !isSibling(name) || allowed.includes(name),
        `package.json: ${field} has ${name}; ${why} (AGENTS.md)`,
      )
  }
  const importsOf = (text) =>
    [
      ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm),
      ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ].map((match) => match[1])
  const packageOf = (specifier) =>
    specifier
      .split("/")
      .slice(0, specifier.startsWith("@") ? 2 : 1)
      .join("/")
  const files = existsSync(join(dir, "dist"))
    ? readdirSync(join(dir, "dist"), { recursive: true }).filter((file) => /\.(m?js|d\.ts)$/.test(file))
    : []
  for (const file of files) {
    for (const name of new Set(importsOf(readFileSync(join(dir, "dist", file), "utf8")).map(packageOf)))
      expect(!isSibling(name) || allowed.includes(name), `dist/${file} imports ${name}; ${why} (AGENTS.md)`)
  }
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
