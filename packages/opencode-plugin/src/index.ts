// Only plugin functions may be exported from this entry: OpenCode calls every export as a plugin and drops the
// whole file when one is anything else ("Plugin export is not a function").
export { KeyrelayPlugin, KeyrelayPlugin as default } from "./keyrelay-plugin.ts"
