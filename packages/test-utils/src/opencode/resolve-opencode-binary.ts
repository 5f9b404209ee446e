import { execFile } from "node:child_process"
import { mkdtemp, open, readFile, realpath, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { promisify } from "node:util"
import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"

const execFileAsync = promisify(execFile)

/** The OpenCode release the harness is pinned to (the `opencode-ai` dependency of this package). */
export const OPENCODE_VERSION = "1.18.33"

/** A usable OpenCode binary: where it is, which platform package it came from, and the version it reports. */
export interface OpencodeBinary {
  /** Absolute path of the native executable. */
  path: string
  /** The platform package that holds it, e.g. `opencode-linux-x64`. */
  packageName: string
  /** What `opencode --version` printed. */
  version: string
}

/** Options of {@link resolveOpencodeBinary}. */
export interface ResolveOpencodeBinaryOptions {
  /** The version the binary must report; default {@link OPENCODE_VERSION}. */
  version?: string
  /** A file or directory from which `opencode-ai` is resolved; default: this package's own dependency. */
  from?: string
}

/** The machine facts that decide which platform package of `opencode-ai` fits. */
export interface OpencodeHostTraits {
  platform: NodeJS.Platform
  arch: string
  /** Whether the CPU has AVX2 (x64 only; the non-baseline builds need it). */
  avx2: boolean
  /** Whether the C library is musl (Alpine) rather than glibc. */
  musl: boolean
}

/**
 * The platform packages of `opencode-ai` to try on a machine, best first: `-baseline` first when an x64 CPU
 * lacks AVX2, `-musl` first on musl; the others follow as fallbacks, the order `opencode-ai`'s own
 * postinstall uses.
 */
export function opencodePlatformPackages(host: OpencodeHostTraits): string[] {
  const os = host.platform === "win32" ? "windows" : host.platform
  const base = `opencode-${os}-${host.arch}`
  // Only x64 has -baseline builds (for CPUs without AVX2).
  const variants = (plain: string, baseline: string) =>
    host.arch !== "x64" ? [plain] : host.avx2 ? [plain, baseline] : [baseline, plain]
  const glibc = variants(base, `${base}-baseline`)
  if (os !== "linux") return glibc
  const musl = variants(`${base}-musl`, `${base}-baseline-musl`)
  return host.musl ? [...musl, ...glibc] : [...glibc, ...musl]
}

async function hostTraits(): Promise<OpencodeHostTraits> {
  let avx2 = false
  if (process.arch === "x64" && process.platform === "linux") {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "")
    avx2 = /(^|\s)avx2(\s|$)/m.test(cpuinfo)
  } else if (process.arch === "x64" && process.platform === "darwin") {
    const out = await execFileAsync("sysctl", ["-n", "hw.optional.avx2_0"]).catch(() => ({ stdout: "0" }))
    avx2 = out.stdout.trim() === "1"
  }
  // Node's own report names the glibc it runs on; on musl that field is absent.
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header
  const musl = process.platform === "linux" && header?.glibcVersionRuntime === undefined
  return { platform: process.platform, arch: process.arch, avx2, musl }
}

const EXECUTABLE_MAGIC: Partial<Record<NodeJS.Platform, Buffer[]>> = {
  linux: [Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  darwin: [Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.from([0xca, 0xfe, 0xba, 0xbe])],
  win32: [Buffer.from("MZ")],
}

async function hasExecutableMagic(path: string): Promise<boolean> {
  const expected = EXECUTABLE_MAGIC[process.platform]
  if (!expected) return true
  const handle = await open(path, "r")
  try {
    const head = Buffer.alloc(4)
    await handle.read(head, 0, 4, 0)
    return expected.some((magic) => head.subarray(0, magic.length).equals(magic))
  } finally {
    await handle.close()
  }
}

/** Runs `<binary> --version` with HOME, XDG dirs and TMPDIR in a throwaway directory: even `--version`
 * creates data dirs and leaves a 5.5 MB `.so` in TMPDIR. */
async function reportedVersion(path: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "keyrelay-opencode-version-"))
  try {
    const { stdout } = await execFileAsync(path, ["--version"], {
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: scratch,
        XDG_CONFIG_HOME: join(scratch, "config"),
        XDG_DATA_HOME: join(scratch, "data"),
        XDG_STATE_HOME: join(scratch, "state"),
        XDG_CACHE_HOME: join(scratch, "cache"),
        TMPDIR: scratch,
        OPENCODE_DISABLE_AUTOUPDATE: "1",
        OPENCODE_DISABLE_MODELS_FETCH: "1",
      },
    })
    return stdout.trim()
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

const cache = new Map<string, Promise<OpencodeBinary>>()

/**
 * Finds the native OpenCode binary inside the installed platform package of `opencode-ai` (pnpm does not run
 * `opencode-ai`'s postinstall, so its `bin/opencode` is only a stub), checks that it is an executable for this
 * machine and that `--version` prints the pinned version. The answer is cached per process.
 *
 * @example
 * ```ts
 * const { path, version } = await resolveOpencodeBinary()
 * ```
 * @throws {TestUtilsError} `ERR_OPENCODE_BINARY_NOT_FOUND` when no candidate is usable; the message lists
 * each candidate and why it was refused.
 */
export function resolveOpencodeBinary(options: ResolveOpencodeBinaryOptions = {}): Promise<OpencodeBinary> {
  const version = options.version ?? OPENCODE_VERSION
  const from = options.from ?? import.meta.url
  const key = `${version}\0${from}`
  let found = cache.get(key)
  if (!found) {
    found = findBinary(version, from)
    cache.set(key, found)
    found.catch(() => cache.delete(key))
  }
  return found
}

async function findBinary(version: string, from: string): Promise<OpencodeBinary> {
  const refusals: string[] = []
  let wrapperJson: string
  try {
    wrapperJson = await realpath(createRequire(from).resolve("opencode-ai/package.json"))
  } catch (cause) {
    throw notFound(version, [`opencode-ai is not installed where ${from} can resolve it`], cause)
  }
  const wrapper = JSON.parse(await readFile(wrapperJson, "utf8")) as {
    version?: string
    optionalDependencies?: Record<string, string>
  }
  if (wrapper.version !== version) refusals.push(`opencode-ai is ${wrapper.version}, not ${version}`)
  const requireFromWrapper = createRequire(wrapperJson)
  const declared = new Set(Object.keys(wrapper.optionalDependencies ?? {}))
  const executable = process.platform === "win32" ? "opencode.exe" : "opencode"
  for (const packageName of opencodePlatformPackages(await hostTraits())) {
    if (!declared.has(packageName)) continue
    let path: string
    try {
      path = join(dirname(requireFromWrapper.resolve(`${packageName}/package.json`)), "bin", executable)
    } catch {
      refusals.push(`${packageName}: not installed`)
      continue
    }
    try {
      if (!(await hasExecutableMagic(path))) {
        refusals.push(`${packageName}: ${path} is not a native executable`)
        continue
      }
      const reported = await reportedVersion(path)
      if (reported !== version) {
        refusals.push(`${packageName}: --version printed "${reported}", not ${version}`)
        continue
      }
      return { path, packageName, version: reported }
    } catch (cause) {
      refusals.push(`${packageName}: ${path} does not run (${(cause as Error).message.split("\n")[0]})`)
    }
  }
  throw notFound(version, refusals)
}

function notFound(version: string, refusals: string[], cause?: unknown): TestUtilsError {
  const tried =
    refusals.length > 0 ? refusals.map((r) => `\n  - ${r}`).join("") : "\n  - no platform package fits"
  return new TestUtilsError(
    TEST_UTILS_ERROR_CODES.OPENCODE_BINARY_NOT_FOUND,
    `no usable OpenCode ${version} binary for ${process.platform}-${process.arch}; tried:${tried}\n` +
      `Run \`pnpm install\` (the platform binaries are optional dependencies of opencode-ai@${version}; do not ` +
      `skip optional dependencies), or pass \`binary\` with the path of an OpenCode ${version} executable.`,
    cause === undefined ? undefined : { cause },
  )
}
