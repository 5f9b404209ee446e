import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"

/** Options of {@link seedOpencodeConfigDir}. */
export interface SeedOpencodeConfigDirOptions {
  /** The `@opencode-ai/plugin` version OpenCode would install: the OpenCode version itself. */
  version: string
}

/**
 * Prepares an OpenCode config dir (the global `$XDG_CONFIG_HOME/opencode`, a project's `.opencode/`, or
 * `$OPENCODE_CONFIG_DIR`) so OpenCode does not `npm install @opencode-ai/plugin` into it: OpenCode 1.18.33 runs
 * that install in the background for every config dir, waits for it whenever a plugin is configured, and
 * offline spends about 70 s retrying. It skips the install when `node_modules/` exists and `package-lock.json`
 * lists every dependency of `package.json`, which is what this writes. The package itself is not installed,
 * so a plugin may import only types from `@opencode-ai/plugin`.
 */
export async function seedOpencodeConfigDir(
  dir: string,
  options: SeedOpencodeConfigDirOptions,
): Promise<void> {
  const dependencies = { "@opencode-ai/plugin": options.version }
  await mkdir(join(dir, "node_modules"), { recursive: true })
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ dependencies }, null, 2)}\n`)
  const lock = { lockfileVersion: 3, requires: true, packages: { "": { dependencies } } }
  await writeFile(join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`)
}
