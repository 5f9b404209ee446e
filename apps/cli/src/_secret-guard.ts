import { CLI_ERROR_CODES, CliError } from "./cli-error.ts"

/** Option names that would carry a secret if the CLI accepted them; it does not. */
const SECRET_FLAGS = /^--?(key|api-key|apikey|secret|token|access-token|password|bearer|x-api-key)(=|$)/i
/** Anthropic keys and tokens (`sk-ant-api03-…`, `sk-ant-oat01-…`, `sk-ant-admin01-…`). */
const ANTHROPIC_SECRET = /sk-ant-[a-z]+\d*-/i

/**
 * Refuses a command line that carries a secret: an Anthropic key or token anywhere in an argument, or an option
 * such as `--key` that would. Runs before anything else parses argv, so no error message can echo the value.
 *
 * @throws CliError ERR_CLI_SECRET_IN_ARGV
 */
export function refuseSecretsInArgv(argv: readonly string[]): void {
  for (const [index, arg] of argv.entries()) {
    const flag = SECRET_FLAGS.exec(arg)
    if (ANTHROPIC_SECRET.test(arg) || flag) {
      const what = flag ? `the option ${flag[0].replace(/=$/, "")}` : `argument ${index + 1}`
      throw new CliError(
        CLI_ERROR_CODES.SECRET_IN_ARGV,
        `Refusing ${what}: it looks like a key, and command-line arguments end up in shell history and are ` +
          "visible to other users of this machine. Nothing was saved. Pass the key on stdin instead: " +
          "`keyrelay add <label> --kind api-key --key-stdin < key.txt`, or run `keyrelay add` on a terminal " +
          "and paste it at the hidden prompt. If the key was typed into a shell, remove it from the history " +
          "and consider rotating it.",
      )
    }
  }
}
