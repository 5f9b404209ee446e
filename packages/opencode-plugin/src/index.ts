// Only plugin functions may be exported from this entry: OpenCode drops a plugin file with any
// other export ("Plugin export is not a function").
export {}
