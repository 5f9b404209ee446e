/*
 * The Node built-ins the store uses, taken with `process.getBuiltinModule` rather than ESM imports. In Bun, where
 * OpenCode runs the plugin, an ESM import of node:fs builds a module namespace that loads node:stream on the way
 * and costs about twice what the module itself does at startup; Node and Bun both provide getBuiltinModule
 * (Node ≥ 20.16). Types still come from `import type`.
 */
export const fs = process.getBuiltinModule("node:fs")
export const fsPromises = process.getBuiltinModule("node:fs/promises")
export const path = process.getBuiltinModule("node:path")
export const os = process.getBuiltinModule("node:os")
