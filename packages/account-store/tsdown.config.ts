import { packageBuild } from "../../tsdown.base.ts"

// valibot is bundled, tree-shaken to the validators the schemas use: importing its full module costs more
// than the whole store, and the plugin's cold import budget is 50 ms for everything it loads.
export default packageBuild({ platform: "node", deps: { alwaysBundle: ["valibot"] } })
