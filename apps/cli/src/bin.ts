#!/usr/bin/env node
import { enableCompileCache } from "./_compile-cache.ts"

// Before the rest of the CLI is imported, so that its modules are compiled with the cache on.
enableCompileCache()
const { run } = await import("./run.ts")
process.exitCode = await run(process.argv.slice(2))
