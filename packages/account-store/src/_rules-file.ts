import * as v from "valibot"
import { type FileSpec, lazy } from "./_versioned-file.ts"
import type { Assert, RoutingRule, Same } from "./store-types.ts"

const schemas = lazy(() => {
  const globs = v.exactOptional(v.array(v.pipe(v.string(), v.minLength(1))))

  const rule = v.strictObject({
    id: v.pipe(v.string(), v.regex(/^rule_[a-z2-7]{8,}$/)),
    description: v.exactOptional(v.string()),
    /** All present conditions must match (AND); an absent condition matches anything. */
    match: v.strictObject({ directories: globs, models: globs }),
    /** The candidates: these account ids, plus every account carrying one of these tags. */
    use: v.pipe(
      v.strictObject({ accounts: globs, tags: globs }),
      v.check(
        (use) => (use.accounts?.length ?? 0) + (use.tags?.length ?? 0) > 0,
        "a rule must name accounts or tags",
      ),
    ),
    strategy: v.exactOptional(v.pipe(v.string(), v.minLength(1))),
  })

  const file = v.strictObject({ version: v.literal(1), rules: v.array(rule) })
  return { rule, file }
})

/** A routing rule's schema (built on first use). */
export const routingRuleSchema = () => schemas().rule

export type { RoutingRule }
export interface RulesFile {
  version: 1
  rules: RoutingRule[]
}
export type SchemaMatchesTypes = Assert<Same<v.InferOutput<ReturnType<typeof schemas>["file"]>, RulesFile>>

export const rulesFileSpec: FileSpec<RulesFile> = {
  name: "rules.json",
  version: 1,
  secret: false,
  get schema() {
    return schemas().file
  },
  empty: () => ({ version: 1, rules: [] }),
  migrations: [],
}
