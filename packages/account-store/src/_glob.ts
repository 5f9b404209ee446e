import { os } from "./_node-builtins.ts"

const { homedir } = os

/*
 * A small glob matcher for routing rules: `*` (within one path segment), `**` (any number of segments, including
 * none), `?`, `{a,b}`, and a leading `~/` for the home directory. picomatch does more, but costs ~13 ms to import,
 * a quarter of the plugin's cold-start budget, for features rules do not need.
 */

const SPECIAL = /[.+^$()|[\]\\]/

export function compileGlob(pattern: string, home: string = homedir()): RegExp {
  let source = pattern.startsWith("~/") ? home.replace(/\/+$/, "") + pattern.slice(1) : pattern
  let out = ""
  let braces = 0
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === "*" && source[i + 1] === "*") {
      const slashBefore = i === 0 || source[i - 1] === "/"
      const slashAfter = source[i + 2] === "/" || i + 2 === source.length
      if (slashBefore && slashAfter) {
        if (source[i + 2] === "/") {
          out += "(?:.*/)?"
          i += 2
        } else {
          // A trailing `/**` also matches the directory itself.
          if (out.endsWith("/")) out = `${out.slice(0, -1)}(?:/.*)?`
          else out += ".*"
          i += 1
        }
        continue
      }
      out += "[^/]*"
      i += 1
      continue
    }
    if (c === "*") out += "[^/]*"
    else if (c === "?") out += "[^/]"
    else if (c === "{") {
      braces++
      out += "(?:"
    } else if (c === "}" && braces > 0) {
      braces--
      out += ")"
    } else if (c === "," && braces > 0) out += "|"
    else out += SPECIAL.test(c) ? `\\${c}` : c
  }
  source = out
  return new RegExp(`^${source}$`)
}
