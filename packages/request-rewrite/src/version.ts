import { version } from "../package.json" with { type: "json" }

/** The version of `@keyrelay/request-rewrite`, inlined at build time; it is the `keyrelay/<version>` product in every `user-agent`. */
export const VERSION: string = version
