import { packageBuild } from "../../tsdown.base.ts"

// Two entries: the library (`run`, errors, schemas) and the executable. Commands are imported lazily, each from its
// own chunk. Left to itself the bundler also gives every module shared by two chunks a chunk of its own, and each is
// a file to resolve, read, compile and link before anything prints (about a millisecond apiece), so what every
// command starts with (argv, context, styles, errors, the command table), the view helpers most read commands print
// with, and `list`, the command people run most, are one chunk. (A command in it still gets a two-line facade chunk:
// rolldown gives a dynamic import into a manual group one.)
export default packageBuild({
  entry: ["src/index.ts", "src/bin.ts"],
  platform: "node",
  outputOptions: {
    codeSplitting: {
      groups: [
        {
          name: "run",
          test: /\/src\/(run|_commands|_context|_style|_secret-guard|cli-error|_format|_json|_table|commands\/list)\.ts$/,
        },
      ],
    },
  },
})
