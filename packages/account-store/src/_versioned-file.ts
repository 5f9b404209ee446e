import * as v from "valibot"

/** What a migration step may do besides reshaping its own file. */
export interface MigrationContext {
  now: number
  /** Hands a secret found in an old layout to the secrets backend (written before the migrated file). */
  putSecret(ref: string, value: string): void
  redact(value: string): string
}

/**
 * Builds a value on first use. Schemas are built this way: built at import, all of them would cost every process
 * that imports the store (the plugin's startup budget is 50 ms for everything), when most read two or three files.
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined
  return () => {
    value ??= build()
    return value
  }
}

/** One step from schema version `from` to `from + 1`. */
export interface Migration {
  from: number
  migrate(raw: unknown, context: MigrationContext): unknown
}

/** Everything the store needs to know about one of its files. */
export interface FileSpec<T> {
  name: string
  version: number
  /** Secret files must be mode 0600 and are refused otherwise. */
  secret: boolean
  schema: v.GenericSchema<unknown, T>
  /**
   * A cheaper schema for reading the file only to view it (outside the lock), when parts of it are validated on
   * first use instead; whatever is read to be written back is validated with `schema`.
   */
  viewSchema?: v.GenericSchema<unknown, T>
  empty(): T
  /** Ordered; `migrations[i].from === i` for every version below `version`. */
  migrations: Migration[]
}

export type Decoded<T> =
  /** `checked`: validated with the full schema (not only the view schema). */
  | { kind: "ok"; data: T; checked: boolean }
  | { kind: "migrate"; data: T; from: number; secrets: Record<string, string> }
  | { kind: "corrupt"; reason: string }
  | { kind: "too-new"; version: number }
  | { kind: "migration-failed"; from: number; reason: string; cause: unknown }

/**
 * Describes schema issues by path and expectation only. Valibot's own messages quote the received value, which in
 * a secrets file (or a key pasted into the wrong field) would be a secret.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${v.getDotPath(issue) ?? "(root)"}: expected ${expectationOf(issue)}`)
    .join("; ")
}

/** What an issue expected, without the value it received. */
export function expectationOf(issue: v.BaseIssue<unknown>): string {
  // A custom check has no `expected` of its own; its message is ours and names no value.
  return issue.type === "custom" ? issue.message : (issue.expected ?? issue.type)
}

/** Parses, migrates and validates a file's text; `forView` validates with the view schema where there is one. */
export function decodeFile<T>(
  spec: FileSpec<T>,
  text: string,
  context: Omit<MigrationContext, "putSecret">,
  forView = false,
): Decoded<T> {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { kind: "corrupt", reason: "it is not valid JSON" }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { kind: "corrupt", reason: "it is not a JSON object" }
  }
  const declared = (raw as { version?: unknown }).version ?? 0
  if (typeof declared !== "number" || !Number.isInteger(declared) || declared < 0) {
    return { kind: "corrupt", reason: "its `version` is not a whole number" }
  }
  if (declared > spec.version) return { kind: "too-new", version: declared }
  const secrets: Record<string, string> = {}
  let current: unknown = raw
  for (let from = declared; from < spec.version; from++) {
    const step = spec.migrations.find((m) => m.from === from)
    try {
      if (!step) throw new Error(`no migration from version ${from}`)
      current = step.migrate(current, {
        ...context,
        putSecret: (ref, value) => {
          secrets[ref] = value
        },
      })
    } catch (cause) {
      const reason = v.isValiError(cause) ? describeIssues(cause.issues) : (cause as Error).message
      return { kind: "migration-failed", from: declared, reason, cause }
    }
  }
  // A migrated file is written back at once, so it is always validated whole.
  const view = forView && declared === spec.version ? spec.viewSchema : undefined
  const result = v.safeParse(view ?? spec.schema, current)
  if (!result.success) {
    const reason = describeIssues(result.issues)
    return declared === spec.version
      ? { kind: "corrupt", reason: `it does not match the schema (${reason})` }
      : { kind: "migration-failed", from: declared, reason, cause: undefined }
  }
  return declared === spec.version
    ? { kind: "ok", data: result.output, checked: view === undefined }
    : { kind: "migrate", data: result.output, from: declared, secrets }
}

export function encodeFile<T>(data: T): string {
  return `${JSON.stringify(data, null, 2)}\n`
}
