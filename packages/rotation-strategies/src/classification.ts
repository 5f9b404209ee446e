import { getEntry } from "./_entries.ts"
import { type Cooldown, type CooldownMap, type CooldownPolicy, DEFAULT_COOLDOWN_POLICY } from "./cooldown.ts"
import { type CooldownScope, cooldownKey } from "./cooldown-key.ts"
import {
  type ClassificationAction,
  FAILURE_CLASSES,
  type FailureClass,
  type HealthEvent,
} from "./failure-class.ts"
import type { RateLimitSnapshot } from "./parse-rate-limit-headers.ts"

/** The account a response belongs to, as far as the pool knows it. */
export interface ClassifiedAccount {
  /** The account id (`acc_…`). */
  readonly id: string
  /** Its organization, once learned; the response's `anthropic-organization-id` takes precedence. */
  readonly organizationId?: string | undefined
  /** Its workspace, once learned; the response's `anthropic-workspace-id` takes precedence. */
  readonly workspaceId?: string | undefined
}

/** What every classifier needs besides the outcome itself. */
export interface ClassifyContext {
  /** Current time, epoch ms. */
  readonly now: number
  /** Randomness in [0, 1) for jittered backoffs; defaults to `Math.random`. */
  readonly random?: (() => number) | undefined
  /** The account that was used; without it no cooldown key is computed and escalation starts from step 1. */
  readonly account?: ClassifiedAccount | undefined
  /** The model class of the request ({@link modelClassOf}); scopes rate limits and permissions. */
  readonly modelClass?: string | undefined
  /** The cooldowns in force, by key: the previous cooldown of the key at fault sets the escalation level. */
  readonly cooldowns?: CooldownMap | undefined
  /** Defaults to {@link DEFAULT_COOLDOWN_POLICY}. */
  readonly policy?: CooldownPolicy | undefined
  /**
   * The account's most recent outcome before this one (account-store's `accounts[id].lastOutcome`). Only transport
   * faults read it: after a success (`class: "ok"`) a fault is isolated at once, whatever cooldown record is left;
   * after a transport fault within `transportWindowMs` it repeats that fault even if the record is gone.
   */
  readonly lastOutcome?: { readonly class?: string; readonly at?: number } | null | undefined
}

/** The error an Anthropic error envelope carried, as far as it could be read. */
export interface ClassifiedError {
  /** `error.type` (open-ended). */
  readonly type?: string
  /** `error.message`, at most 1,000 characters. */
  readonly message?: string
  /** `error.details.error_code`. */
  readonly code?: string
}

/** The verdict on one outcome: what it was, whose fault, what to do, and for how long to stay away. */
export interface Classification {
  /** The row of DESIGN.md's failure table. */
  readonly class: FailureClass
  /** Who is at fault: a cooldown scope, or `none`. */
  readonly scope: CooldownScope | "none"
  /** What the pool should do next. */
  readonly action: ClassificationAction
  /** How the account's health score moves. */
  readonly health: HealthEvent
  /** What happened and what happens next, for people; never contains a secret. */
  readonly reason: string
  /** The cooldown key charged, present with `cooldown` when an account was given. */
  readonly key?: string
  /**
   * The cooldown to store under `key` (merge it in with {@link mergeCooldown}); already escalated from, and
   * never shorter than, the one in force. Absent when nothing is charged (ok, caller, service, a re-mint). An
   * isolated transport fault gets one that ends at `now`: it keeps nothing out and is stored so the next fault
   * knows it is not the first.
   */
  readonly cooldown?: Cooldown
  /** For `action: "retry"`: how long to wait first, as the official SDK would. */
  readonly retryDelayMs?: number
  /** The HTTP status, when there was one. */
  readonly status?: number
  /** The error the body carried. */
  readonly error?: ClassifiedError
  /** For class `stream`: what the stream's error amounts to (`rate-limit`, `service`, …). */
  readonly underlying?: FailureClass
  /** `request-id` of the response (or `request_id` of the body). */
  readonly requestId?: string
  /** The organization the response names (`anthropic-organization-id`): store it on the account. */
  readonly organizationId?: string
  /** The workspace the response names (`anthropic-workspace-id`): store it on the account. */
  readonly workspaceId?: string
  /** The limits the response announced, for the account's limit group. */
  readonly rateLimits?: RateLimitSnapshot
}

/** A writable classification, while it is being built. Internal. */
export type Draft = { -readonly [K in keyof Classification]: Classification[K] }

/** Fills `key` and `cooldown` of a draft: escalates from the previous cooldown of the key and merges with it. */
export function charge(
  draft: Draft,
  context: ClassifyContext,
  scope: CooldownScope,
  untilFor: (level: number) => number,
  reasonFor: (until: number) => string,
): Draft {
  const policy = context.policy ?? DEFAULT_COOLDOWN_POLICY
  const now = context.now
  draft.scope = scope
  const key = context.account
    ? cooldownKey(scope, {
        accountId: context.account.id,
        organizationId: draft.organizationId ?? context.account.organizationId,
        workspaceId: draft.workspaceId ?? context.account.workspaceId,
        modelClass: context.modelClass,
      })
    : undefined
  const previous = key === undefined ? undefined : getEntry(context.cooldowns, key)
  const remembered =
    previous !== undefined && previous !== null && now - previous.until <= policy.forgetAfterMs
  const previousLevel = remembered ? Math.max(0, Math.floor(Number(previous.level) || 0)) : 0
  const level = previousLevel + 1
  const fresh = untilFor(level)
  const holds = remembered && previous.until > fresh
  const until = holds ? previous.until : fresh
  draft.reason = reasonFor(until)
  const kept = holds && typeof previous.reason === "string" ? previous.reason : draft.reason
  const keptClass =
    holds && (FAILURE_CLASSES as readonly string[]).includes(previous.class ?? "")
      ? (previous.class as FailureClass)
      : draft.class
  draft.cooldown = {
    until,
    level,
    class: keptClass,
    reason: kept,
    since: holds && typeof previous.since === "number" ? previous.since : now,
  }
  if (key !== undefined) draft.key = key
  return draft
}
