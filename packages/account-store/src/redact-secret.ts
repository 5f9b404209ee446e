const ANTHROPIC_PREFIX = "sk-ant-"
const VISIBLE_TAIL = 4
/** Shorter values show no tail at all: four characters of a short secret are too much of it. */
const MIN_LENGTH_FOR_TAIL = 16

/**
 * Renders a credential for humans and logs: `sk-ant-…abcd` for Anthropic keys and tokens, `…abcd` for other
 * long secrets, `…` for short ones. Never returns more than the last four characters.
 *
 * @example
 * ```ts
 * redactSecret("sk-ant-api03-test-0000000000000000abcd") // "sk-ant-…abcd"
 * ```
 */
export function redactSecret(value: string | null | undefined): string {
  if (typeof value !== "string" || value.length === 0) return "…"
  const tail = value.length >= MIN_LENGTH_FOR_TAIL ? value.slice(-VISIBLE_TAIL) : ""
  return value.startsWith(ANTHROPIC_PREFIX) ? `${ANTHROPIC_PREFIX}…${tail}` : `…${tail}`
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom")

/**
 * A secret that renders redacted everywhere (`String()`, template literals, `util.inspect`, `console.log`,
 * `JSON.stringify`); only `reveal()` hands out the value.
 *
 * @example
 * ```ts
 * const key = new SecretValue("sk-ant-api03-test-0000000000000000abcd")
 * `${key}` // "sk-ant-…abcd"
 * key.reveal() // the key itself, for the request header only
 * ```
 */
export class SecretValue {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  /** The secret itself; call it only where the value leaves for its destination (a request header). */
  reveal(): string {
    return this.#value
  }

  /** The redacted form, e.g. `sk-ant-…abcd`. */
  get redacted(): string {
    return redactSecret(this.#value)
  }

  /** Redacted; a secret never turns into its value by accident. */
  toString(): string {
    return this.redacted
  }

  /** Redacted, so `JSON.stringify` of anything holding a secret is safe to log. */
  toJSON(): string {
    return this.redacted
  }

  /** Redacted for `util.inspect` and `console.log` in Node and Bun. */
  [INSPECT](): string {
    return `SecretValue(${this.redacted})`
  }
}
