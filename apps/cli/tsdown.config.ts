import { packageBuild } from "../../tsdown.base.ts"

// Two entries: the library (`run`, errors, schemas) and the executable. Commands are imported lazily, so each
// becomes its own chunk and `keyrelay list` loads only what `list` needs.
export default packageBuild({ entry: ["src/index.ts", "src/bin.ts"], platform: "node" })
