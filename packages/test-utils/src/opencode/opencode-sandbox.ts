import { execFile } from "node:child_process"
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { OPENCODE_VERSION } from "./resolve-opencode-binary.ts"
import { seedOpencodeConfigDir } from "./seed-opencode-config-dir.ts"

const execFileAsync = promisify(execFile)

/** Where everything of one OpenCode sandbox lives; every path is inside `root`. */
export interface OpencodeSandboxPaths {
  /** The sandbox directory; removing it removes everything OpenCode wrote. */
  root: string
  /** `HOME` of the OpenCode process. */
  home: string
  /** `XDG_CONFIG_HOME`. */
  configHome: string
  /** `XDG_DATA_HOME`. */
  dataHome: string
  /** `XDG_STATE_HOME`. */
  stateHome: string
  /** `XDG_CACHE_HOME`. */
  cacheHome: string
  /** `TMPDIR` (Bun inside OpenCode leaves a 5.5 MB `.so` here on every run). */
  tmpDir: string
  /** The project directory OpenCode runs in (a git repo unless `git: false`); `opencode.json` is written here. */
  project: string
  /** OpenCode's global config dir, `$XDG_CONFIG_HOME/opencode` (seeded). */
  opencodeConfigDir: string
  /** The project's `.opencode/` config dir (seeded); `.opencode/plugin/*.{ts,js}` is auto-discovered. */
  projectConfigDir: string
  /** OpenCode's data dir, `$XDG_DATA_HOME/opencode`: `auth.json`, `opencode.db`, `log/`. */
  opencodeDataDir: string
  /** `$XDG_DATA_HOME/opencode/auth.json`. */
  authFile: string
}

/** A sandbox for OpenCode runs, made by {@link createOpencodeSandbox}. */
export interface OpencodeSandbox extends OpencodeSandboxPaths {
  /** Whether the project directory is a git repository. */
  readonly git: boolean
  /** Deletes the sandbox and everything in it. */
  remove(): Promise<void>
}

/** Options of {@link createOpencodeSandbox}. */
export interface CreateOpencodeSandboxOptions {
  /** The directory the sandbox is created in; default `os.tmpdir()`. */
  parent?: string
  /**
   * Make the project a git repository (default `true`). Without one OpenCode takes `/` as the worktree and reads
   * any `AGENTS.md` or `CLAUDE.md` it finds in the directories above the project.
   */
  git?: boolean
  /** The OpenCode version whose `@opencode-ai/plugin` the config dirs are seeded with; default the pinned one. */
  opencodeVersion?: string
}

/**
 * Creates an isolated home for OpenCode in a new temporary directory: HOME, the XDG dirs and TMPDIR, a project
 * directory that is a git repository, and every config dir seeded so OpenCode installs nothing.
 *
 * @example
 * ```ts
 * const sandbox = await createOpencodeSandbox()
 * try {
 *   await runOpencode({ mock, prompt: "say hi", sandbox })
 *   await runOpencode({ mock, prompt: "say hi again", sandbox })
 * } finally {
 *   await sandbox.remove()
 * }
 * ```
 */
export async function createOpencodeSandbox(
  options: CreateOpencodeSandboxOptions = {},
): Promise<OpencodeSandbox> {
  const root = await realpath(await mkdtemp(join(options.parent ?? tmpdir(), "keyrelay-opencode-")))
  const remove = () => rm(root, { recursive: true, force: true, maxRetries: 3 })
  try {
    const paths = sandboxPaths(root)
    for (const dir of [
      paths.stateHome,
      paths.cacheHome,
      paths.tmpDir,
      paths.opencodeDataDir,
      paths.project,
    ]) {
      await mkdir(dir, { recursive: true, mode: 0o700 })
    }
    const version = options.opencodeVersion ?? OPENCODE_VERSION
    await seedOpencodeConfigDir(paths.opencodeConfigDir, { version })
    await seedOpencodeConfigDir(paths.projectConfigDir, { version })
    const git = options.git !== false && (await gitInit(paths.project, paths.home))
    return { ...paths, git, remove }
  } catch (error) {
    await remove()
    throw error
  }
}

/** The layout of a sandbox rooted at `root`. */
export function sandboxPaths(root: string): OpencodeSandboxPaths {
  const home = join(root, "home")
  const configHome = join(home, ".config")
  const dataHome = join(home, ".local", "share")
  const project = join(root, "project")
  const opencodeDataDir = join(dataHome, "opencode")
  return {
    root,
    home,
    configHome,
    dataHome,
    stateHome: join(home, ".local", "state"),
    cacheHome: join(home, ".cache"),
    tmpDir: join(root, "tmp"),
    project,
    opencodeConfigDir: join(configHome, "opencode"),
    projectConfigDir: join(project, ".opencode"),
    opencodeDataDir,
    authFile: join(opencodeDataDir, "auth.json"),
  }
}

async function gitInit(project: string, home: string): Promise<boolean> {
  try {
    await execFileAsync("git", ["init", "--quiet", "--initial-branch=main", project], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, GIT_CONFIG_NOSYSTEM: "1" },
    })
    return true
  } catch (error) {
    process.stderr.write(
      `[opencode-harness] could not make ${project} a git repository (${(error as Error).message.split("\n")[0]}); ` +
        "OpenCode will treat / as the worktree and may read AGENTS.md or CLAUDE.md from the directories above it\n",
    )
    return false
  }
}
