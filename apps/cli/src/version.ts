import { version } from "../package.json" with { type: "json" }

/** The version of the `keyrelay` CLI, inlined at build time. */
export const VERSION: string = version
