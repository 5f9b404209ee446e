/** How much a pool event matters: `info` (which account serves), `warning` (capacity lost for a while), `error` (the user must act). */
export type PoolEventLevel = "info" | "warning" | "error"

interface EventBase {
  /** When it happened, epoch ms (the pool's clock). */
  readonly at: number
  readonly level: PoolEventLevel
  /** One sentence for people (a toast, a log line): names accounts by label, never contains a secret. */
  readonly message: string
}

/**
 * Every event of a pool fetch, for toasts (the OpenCode plugin) and log lines (the CLI). Each names accounts by
 * label and id, and none carries a secret.
 */
export type PoolEvent =
  | (EventBase & {
      /** The account serving a model class changed (or served it for the first time). */
      readonly type: "account-switched"
      readonly accountId: string
      readonly label: string
      readonly modelClass: string
      /** The account that served it before, when there was one. */
      readonly previousAccountId?: string
      readonly previousLabel?: string
      /** Why the previous account was left (its failure reason), when it failed in this request. */
      readonly reason?: string
    })
  | (EventBase & {
      /** An account was taken out of the pool until the user fixes it (a revoked or expired key). */
      readonly type: "account-disabled"
      readonly accountId: string
      readonly label: string
      readonly reason: string
    })
  | (EventBase & {
      /** A limit group (organization × model class) is rate-limited and cools down until `until`. */
      readonly type: "group-cooling"
      readonly key: string
      readonly accountId: string
      readonly label: string
      readonly until: number
      readonly reason: string
    })
  | (EventBase & {
      /** An organization (or workspace) is out of credit, over a spend limit or cap, or has a billing problem. */
      readonly type: "organization-exhausted"
      readonly key: string
      readonly class: string
      readonly accountId: string
      readonly label: string
      readonly organizationId?: string
      readonly until: number
      readonly reason: string
    })
  | (EventBase & {
      /** An account reached its monthly budget; it is out of rotation until the month turns or the budget changes. */
      readonly type: "budget-reached"
      readonly accountId: string
      readonly label: string
      readonly month: string
      readonly spentUsd: number
      readonly budgetUsd: number
    })
  | (EventBase & {
      /** No account could serve a request; the caller got an error response (`status`). */
      readonly type: "no-account"
      readonly status: number
      /** When capacity returns, epoch ms; `null` when nothing will free up by waiting. */
      readonly until: number | null
    })
  | (EventBase & {
      /** An account's credential could not be resolved or refreshed (variable, command, profile, exchange). */
      readonly type: "credential-failed"
      readonly accountId: string
      readonly label: string
      readonly kind: string
      readonly reason: string
    })
  | (EventBase & {
      /** A stream that had started broke off (`event: error`, or EOF without `message_stop`). */
      readonly type: "stream-failed"
      readonly accountId: string
      readonly label: string
      readonly reason: string
    })
  | (EventBase & {
      /**
       * A response reached the caller in full, but its usage and outcome could not be recorded (the store was
       * closed, or refused the record): those tokens are missing from the usage report.
       */
      readonly type: "usage-not-recorded"
      readonly accountId: string
      readonly label: string
      /** The store's error code, or the error's name: never its message, which could quote the request. */
      readonly reason: string
    })
  | (EventBase & {
      /** A model has no price: its tokens are counted, its cost is not (once per model and pool). */
      readonly type: "model-unpriced"
      readonly model: string
    })

/** The `type` of every {@link PoolEvent}. */
export type PoolEventType = PoolEvent["type"]
