import type { StoreConfig } from "@keyrelay/account-store"
import { checkStrategy } from "./_strategies.ts"
import { usageError } from "./cli-error.ts"

/** Settings `config set|unset` know; `pricing.<model glob>` and `toasts.<field>` address one entry. */
export const CONFIG_KEYS: Readonly<Record<string, { description: string; optional: boolean }>> = {
  strategy: { description: "how an account is picked (`keyrelay strategy`)", optional: true },
  waitBudgetMs: {
    description: "how long a request may wait for capacity before a clear 429",
    optional: true,
  },
  maxAttempts: { description: "accounts tried per request", optional: true },
  deadlineMs: { description: "the longest one request may take over all attempts", optional: true },
  extraBetas: {
    description: "anthropic-beta values added to every request (JSON array or a,b)",
    optional: false,
  },
  pricing: { description: "USD per million tokens by model glob, over the built-in table", optional: false },
  toasts: { description: "OpenCode toasts, as one object", optional: false },
  "toasts.enabled": { description: "OpenCode toasts on or off", optional: false },
  "toasts.onSwitch": { description: "a toast when the serving account changes", optional: true },
  "toasts.durationMs": { description: "how long a toast stays", optional: true },
  keychain: { description: "keep new secrets in the OS keychain", optional: false },
  usageRetentionDays: { description: "days of usage kept (≥ 31)", optional: false },
}

/** Reads a value: JSON when it parses (`true`, `3`, `["a"]`), else the plain string. */
export function parseValue(key: string, text: string): unknown {
  if (key === "extraBetas" && !text.trim().startsWith("[")) {
    return text
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean)
  }
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function known(key: string): { top: keyof StoreConfig; sub?: string } {
  if (key.startsWith("pricing.") && key.length > "pricing.".length)
    return { top: "pricing", sub: key.slice(8) }
  if (!(key in CONFIG_KEYS)) {
    throw usageError(
      `Unknown setting "${key}". Settings: ${Object.keys(CONFIG_KEYS).join(", ")}, pricing.<model glob>.`,
    )
  }
  const [top, sub] = key.split(".") as [keyof StoreConfig, string | undefined]
  return sub ? { top, sub } : { top }
}

/** The value of one setting (dotted keys reach inside objects). */
export function getValue(config: Readonly<StoreConfig>, key: string): unknown {
  const { top, sub } = known(key)
  const value = config[top] as unknown
  return sub === undefined ? value : (value as Record<string, unknown> | undefined)?.[sub]
}

/**
 * The config patch that sets (or, with `undefined`, removes) one setting; account-store validates the result.
 *
 * @throws CliError ERR_CLI_USAGE for an unknown key or removing a setting that has no default to fall back to
 */
export function patchFor(config: Readonly<StoreConfig>, key: string, value: unknown): Partial<StoreConfig> {
  const { top, sub } = known(key)
  if (value === undefined && !(CONFIG_KEYS[key]?.optional ?? sub !== undefined)) {
    throw usageError(
      `"${key}" cannot be unset; set it to another value with \`keyrelay config set ${key} <value>\`.`,
    )
  }
  if (top === "strategy" && typeof value === "string") checkStrategy(value)
  if (sub === undefined) return { [top]: value } as Partial<StoreConfig>
  const inner: Record<string, unknown> = { ...((config[top] as Record<string, unknown> | undefined) ?? {}) }
  if (value === undefined) delete inner[sub]
  else inner[sub] = value
  return { [top]: inner } as Partial<StoreConfig>
}
