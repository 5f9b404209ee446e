import { packageBuild } from "../../tsdown.base.ts"

// Two entries: the library (`run`, errors, schemas) and the executable. Commands are imported lazily, so each
// becomes its own chunk and `keyrelay list` loads only what `list` needs. Left to itself the bundler also gives
// every module shared by two chunks a chunk of its own; each costs a file read, a parse and a link before the
// first byte is printed, so what every command starts with (argv, context, styles, errors, command table) is one
// chunk, and the small view helpers most read commands print with are another.
export default packageBuild({
  entry: ["src/index.ts", "src/bin.ts"],
  platform: "node",
  outputOptions: {
    codeSplitting: {
      groups: [
        { name: "run", test: /\/src\/(run|_commands|_context|_style|_secret-guard|cli-error)\.ts$/ },
        { name: "view", test: /\/src\/(_format|_json|_table)\.ts$/ },
      ],
    },
  },
})
