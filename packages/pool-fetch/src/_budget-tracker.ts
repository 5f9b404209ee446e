import type { Account, AccountStore } from "@keyrelay/account-store"

/** Month-to-date spend per account, kept in memory: a snapshot of the store's budgets plus what this pool added since. */
export class BudgetTracker {
  readonly #store: AccountStore
  readonly #now: () => number
  #month = ""
  #monthEnds = 0
  #spent = new Map<string, number>()

  constructor(store: AccountStore, now: () => number) {
    this.#store = store
    this.#now = now
    this.refresh()
  }

  /** Re-reads the store's month-to-date spend (its view includes this process's unwritten usage). */
  refresh(): void {
    const now = this.#now()
    const date = new Date(now)
    this.#month = date.toISOString().slice(0, 7)
    this.#monthEnds = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    this.#spent = new Map(this.#store.budgets().map((b) => [b.accountId, b.spentMicroUsd]))
  }

  #current(): void {
    if (this.#now() >= this.#monthEnds) this.refresh()
  }

  /** The UTC month (`YYYY-MM`) the figures are for, and when it ends. */
  get month(): { month: string; endsAt: number } {
    this.#current()
    return { month: this.#month, endsAt: this.#monthEnds }
  }

  spentMicroUsd(accountId: string): number {
    this.#current()
    return this.#spent.get(accountId) ?? 0
  }

  /** Adds a request's cost; returns whether this crossed the account's budget. */
  add(account: Account, microUsd: number): boolean {
    this.#current()
    const before = this.#spent.get(account.id) ?? 0
    const after = before + microUsd
    this.#spent.set(account.id, after)
    return !this.#reached(account, before) && this.#reached(account, after)
  }

  /** Whether the account's monthly budget is spent (accounts without a budget never are). */
  isOver(account: Account): boolean {
    return this.#reached(account, this.spentMicroUsd(account.id))
  }

  #reached(account: Account, spent: number): boolean {
    const budget = account.monthlyBudgetUsd
    if (budget === undefined) return false
    // The store's rule (`budgets().overBudget`): a budget of 0 is reached by the first priced request.
    return spent >= budget * 1_000_000 && (budget > 0 || spent > 0)
  }
}
