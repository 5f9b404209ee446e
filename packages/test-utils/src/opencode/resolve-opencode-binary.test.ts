import { execFileSync } from "node:child_process"
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { TEST_UTILS_ERROR_CODES } from "../test-utils-error.ts"
import {
  OPENCODE_VERSION,
  opencodePlatformPackages,
  resolveOpencodeBinary,
} from "./resolve-opencode-binary.ts"

describe("opencodePlatformPackages", () => {
  it.each([
    [
      { platform: "linux", arch: "x64", avx2: true, musl: false },
      [
        "opencode-linux-x64",
        "opencode-linux-x64-baseline",
        "opencode-linux-x64-musl",
        "opencode-linux-x64-baseline-musl",
      ],
    ],
    [
      { platform: "linux", arch: "x64", avx2: false, musl: false },
      [
        "opencode-linux-x64-baseline",
        "opencode-linux-x64",
        "opencode-linux-x64-baseline-musl",
        "opencode-linux-x64-musl",
      ],
    ],
    [
      { platform: "linux", arch: "x64", avx2: true, musl: true },
      [
        "opencode-linux-x64-musl",
        "opencode-linux-x64-baseline-musl",
        "opencode-linux-x64",
        "opencode-linux-x64-baseline",
      ],
    ],
    [
      { platform: "linux", arch: "x64", avx2: false, musl: true },
      [
        "opencode-linux-x64-baseline-musl",
        "opencode-linux-x64-musl",
        "opencode-linux-x64-baseline",
        "opencode-linux-x64",
      ],
    ],
    [
      { platform: "linux", arch: "arm64", avx2: false, musl: false },
      ["opencode-linux-arm64", "opencode-linux-arm64-musl"],
    ],
    [
      { platform: "linux", arch: "arm64", avx2: false, musl: true },
      ["opencode-linux-arm64-musl", "opencode-linux-arm64"],
    ],
    [
      { platform: "darwin", arch: "x64", avx2: false, musl: false },
      ["opencode-darwin-x64-baseline", "opencode-darwin-x64"],
    ],
    [{ platform: "darwin", arch: "arm64", avx2: false, musl: false }, ["opencode-darwin-arm64"]],
    [
      { platform: "win32", arch: "x64", avx2: true, musl: false },
      ["opencode-windows-x64", "opencode-windows-x64-baseline"],
    ],
  ] as const)("%j → %j", (host, expected) => {
    expect(opencodePlatformPackages(host)).toEqual(expected)
  })

  it("only names packages that opencode-ai declares", () => {
    const wrapperJson = createRequire(import.meta.url).resolve("opencode-ai/package.json")
    const wrapper = JSON.parse(readFileSync(wrapperJson, "utf8")) as {
      optionalDependencies: Record<string, string>
    }
    const declared = Object.keys(wrapper.optionalDependencies)
    for (const platform of ["linux", "darwin", "win32"] as const) {
      for (const arch of ["x64", "arm64"]) {
        for (const name of opencodePlatformPackages({
          platform,
          arch,
          avx2: false,
          musl: platform === "linux",
        })) {
          expect(declared).toContain(name)
        }
      }
    }
  })
})

describe("resolveOpencodeBinary", () => {
  it("finds the pinned native binary in a platform package, not opencode-ai's stub", async () => {
    const binary = await resolveOpencodeBinary()
    expect(binary.version).toBe(OPENCODE_VERSION)
    expect(binary.packageName).toMatch(/^opencode-(linux|darwin|windows)-/)
    expect(binary.path).toContain(`${binary.packageName}/bin/opencode`)
    if (process.platform === "linux") {
      const head = Buffer.alloc(4)
      const fd = openSync(binary.path, "r")
      readSync(fd, head, 0, 4, 0)
      closeSync(fd)
      expect(head).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) // ELF, not opencode-ai's shell stub
    }
  })

  it("answers from its cache the second time", async () => {
    expect(resolveOpencodeBinary()).toBe(resolveOpencodeBinary())
  })

  it("refuses a binary that reports another version, saying what it printed and what to do", async () => {
    const error = await resolveOpencodeBinary({ version: "0.0.1" }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: TEST_UTILS_ERROR_CODES.OPENCODE_BINARY_NOT_FOUND })
    expect((error as Error).message).toContain(`--version printed "${OPENCODE_VERSION}", not 0.0.1`)
    expect((error as Error).message).toContain("opencode-ai is 1.18.33, not 0.0.1")
    expect((error as Error).message).toMatch(/pnpm install|binary/)
  })

  // pnpm's bin shims set NODE_PATH to the hoisted store, where opencode-ai is always found; these run in a
  // child process without it, against the built package.
  function resolveInChild(from: string): { code?: string; message?: string } {
    const index = new URL("../../dist/index.js", import.meta.url).href
    const script =
      `const { resolveOpencodeBinary } = await import(${JSON.stringify(index)});` +
      `try { await resolveOpencodeBinary({ from: ${JSON.stringify(from)} }) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    })
    return JSON.parse(out || "{}") as { code?: string; message?: string }
  }

  it("says so when opencode-ai is not installed where it looks", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-opencode-"))
    try {
      const error = resolveInChild(`${dir}/`)
      expect(error.code).toBe(TEST_UTILS_ERROR_CODES.OPENCODE_BINARY_NOT_FOUND)
      expect(error.message).toContain("opencode-ai is not installed")
      expect(error.message).toContain("pnpm install")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("refuses a platform package whose binary is a script stub or is missing, naming each", () => {
    const dir = mkdtempSync(join(tmpdir(), "stub-opencode-"))
    try {
      const modules = join(dir, "node_modules")
      const names = opencodePlatformPackages({
        platform: process.platform,
        arch: process.arch,
        avx2: true,
        musl: false,
      })
      const wrapper = {
        name: "opencode-ai",
        version: OPENCODE_VERSION,
        optionalDependencies: Object.fromEntries(names.map((n) => [n, OPENCODE_VERSION])),
      }
      mkdirSync(join(modules, "opencode-ai"), { recursive: true })
      writeFileSync(join(modules, "opencode-ai", "package.json"), JSON.stringify(wrapper))
      mkdirSync(join(modules, names[0]!, "bin"), { recursive: true })
      writeFileSync(
        join(modules, names[0]!, "package.json"),
        JSON.stringify({ name: names[0], version: OPENCODE_VERSION }),
      )
      writeFileSync(join(modules, names[0]!, "bin", "opencode"), `#!/bin/sh\necho ${OPENCODE_VERSION}\n`, {
        mode: 0o755,
      })
      const error = resolveInChild(`${dir}/`)
      expect(error.code).toBe(TEST_UTILS_ERROR_CODES.OPENCODE_BINARY_NOT_FOUND)
      expect(error.message).toContain(`${names[0]}: `)
      expect(error.message).toContain("is not a native executable")
      expect(error.message).toContain(`${names[1]}: not installed`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
