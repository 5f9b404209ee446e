import * as v from "valibot"
import { type AccountsFile, accountsFileSpec, type StoredAccount } from "./_accounts-file.ts"
import { buildAccount, newRuleId, patchAccount } from "./_build-account.ts"
import { type ConfigFile, configFileSpec, configSchema, type StoreConfig } from "./_config-file.ts"
import { copyData, dictionary } from "./_dictionary.ts"
import { flushOnExit } from "./_exit-hooks.ts"
import { path } from "./_node-builtins.ts"
import { ReentrantLock } from "./_reentrant-lock.ts"
import {
  type CompiledRule,
  compileRules,
  type Route,
  type RouteRequest,
  resolveRoute,
} from "./_resolve-route.ts"
import { type RoutingRule, type RulesFile, routingRuleSchema, rulesFileSpec } from "./_rules-file.ts"
import { type OutcomeRecord, RuntimeState, type UsageRecord } from "./_runtime-state.ts"
import { mergeRuntimeLocked, mergeRuntimeSync } from "./_runtime-writer.ts"
import { SecretPlacement } from "./_secret-placement.ts"
import { type SecretEntry, type SecretsFile, secretsFileSpec } from "./_secrets-file.ts"
import { type StateFile, stateFileSpec } from "./_state-file.ts"
import { type Loaded, StoreFiles, type StoreProblem } from "./_store-files.ts"
import { type UsageFile, usageFileSpec } from "./_usage-file.ts"
import { describeIssues, type FileSpec } from "./_versioned-file.ts"
import { FilesWatcher } from "./_watch-files.ts"
import type {
  AccountStore,
  AccountStoreOptions,
  RoutingRuleInput,
  RuntimeStateView,
  StoreEvent,
  StoreFileName,
  TokenSlot,
  TokenSlotUpdate,
} from "./account-store-api.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError, isAccountStoreError } from "./account-store-error.ts"
import type { Account, AccountPatch, NewAccountInput } from "./account-types.ts"
import { credentialFingerprint } from "./credential-fingerprint.ts"
import { pruneState, pruneUsage, utcDay } from "./merge-runtime-state.ts"
import { SecretValue } from "./redact-secret.ts"
import { resolveStoreHome } from "./resolve-store-home.ts"
import { type BudgetStatus, budgetStatus, type UsageQuery, type UsageRow, usageRows } from "./usage-report.ts"

const { join } = path

const SPECS = {
  "accounts.json": accountsFileSpec(credentialFingerprint as (c: unknown, s?: string) => string),
  "secrets.json": secretsFileSpec,
  "rules.json": rulesFileSpec,
  "config.json": configFileSpec,
  "state.json": stateFileSpec,
  "usage.json": usageFileSpec,
} as const
const FILE_NAMES = Object.keys(SPECS) as StoreFileName[]
const SLOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const DAY_MS = 86_400_000

function notFound(id: string): AccountStoreError {
  return new AccountStoreError(
    ACCOUNT_STORE_ERROR_CODES.ACCOUNT_NOT_FOUND,
    `No account ${id} in the store (it may have been removed by another keyrelay process). Run \`keyrelay list\` to see the accounts.`,
  )
}

function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) freeze(inner)
    Object.freeze(value)
  }
  return value
}

function snapshotOf(accounts: AccountsFile, id: string): Account {
  return freeze(copyData(accounts.accounts.find((a) => a.id === id)!))
}

class Store implements AccountStore {
  readonly home: string
  readonly problems: StoreProblem[] = []
  readonly #files: StoreFiles
  readonly #now: () => number
  readonly #intervalMs: number
  readonly #keychains: SecretPlacement
  readonly #runtime: RuntimeState
  readonly #lock: ReentrantLock
  readonly #listeners = new Set<(event: StoreEvent) => void>()
  #accounts: AccountsFile = SPECS["accounts.json"].empty()
  #accountView: readonly Account[] = []
  #secrets: SecretsFile = secretsFileSpec.empty()
  #rules: RulesFile = rulesFileSpec.empty()
  #compiledRules: CompiledRule[] = []
  #config: ConfigFile = configFileSpec.empty()
  #timer: ReturnType<typeof setTimeout> | undefined
  #lastFlushAt = Number.NEGATIVE_INFINITY
  #flushing: Promise<void> | undefined
  #reloading: Promise<void> | undefined
  #watcher: FilesWatcher | undefined
  #unhookExit: (() => void) | undefined
  #closed = false

  constructor(home: string, options: AccountStoreOptions) {
    this.home = home
    this.#now = options.now ?? Date.now
    this.#intervalMs = options.flushIntervalMs ?? 1000
    this.#runtime = new RuntimeState({
      now: this.#now,
      forgetCooldownsAfterMs: options.forgetCooldownsAfterMs ?? DAY_MS,
      onInvalidUsage: () => this.#recheckUsage(),
    })
    this.#keychains = new SecretPlacement({
      home,
      secretsPath: join(home, "secrets.json"),
      now: this.#now,
      report: (problem) => this.#report(problem),
      ...(options.loadKeyring ? { loadKeyring: options.loadKeyring } : {}),
    })
    this.#files = new StoreFiles(home, {
      now: this.#now,
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      report: (problem) => this.#report(problem),
    })
    const fileLock = this.#files.lock
    this.#lock = new ReentrantLock(
      () => fileLock.acquire(),
      () => fileLock.release(),
    )
  }

  async open(options: AccountStoreOptions): Promise<void> {
    await this.#files.ensureHome()
    const needLock: StoreFileName[] = []
    const loaded = await this.#files.loadMany(
      FILE_NAMES.map((name) => SPECS[name] as FileSpec<unknown>),
      false,
    )
    for (const [i, name] of FILE_NAMES.entries()) {
      const file = loaded[i]
      if (file === undefined) needLock.push(name)
      else this.#apply(name, file)
    }
    if (needLock.length > 0) {
      await this.withLock(async () => {
        this.#files.removeStrayTempFiles()
        for (const name of needLock) await this.#loadLocked(name)
      })
    }
    if (options.watch !== false) {
      this.#watcher = new FilesWatcher(this.home, new Set(FILE_NAMES), options.pollIntervalMs ?? 2000, () => {
        this.reload().catch((error) => this.#reportError(error))
      })
    }
    if (options.flushOnExit !== false) {
      const runtime = this.#runtime
      this.#unhookExit = flushOnExit({
        get needsFlush() {
          return runtime.dirty
        },
        flush: () => this.flush(),
        flushSync: (force) => this.flushSync(force),
      })
    }
  }

  // ---------------------------------------------------------------- files

  /** Loads one file under the lock, running a pending migration (secrets first, then the migrated file). */
  async #loadLocked(name: StoreFileName): Promise<void> {
    const spec = SPECS[name] as FileSpec<unknown>
    const loaded = (await this.#files.load(spec, true))!
    if (loaded.migratedFrom !== undefined) {
      const secrets = Object.entries(loaded.secrets ?? {})
      if (secrets.length > 0) {
        await this.#refreshLocked(["secrets.json"])
        const next = copyData(this.#secrets)
        for (const [ref, value] of secrets) next.entries[ref] = { value, updatedAt: this.#now() }
        await this.#files.write(secretsFileSpec, next)
        this.#secrets = next
      }
      await this.#files.write(spec, loaded.data)
    } else {
      this.#files.signatures.set(name, loaded.signature)
    }
    this.#apply(name, loaded, loaded.migratedFrom !== undefined)
  }

  #apply(name: StoreFileName, loaded: Loaded<unknown>, keepSignature = false): void {
    if (!keepSignature) this.#files.signatures.set(name, loaded.signature)
    switch (name) {
      case "accounts.json":
        this.#setAccounts(loaded.data as AccountsFile)
        return
      case "secrets.json":
        this.#secrets = loaded.data as SecretsFile
        return
      case "rules.json":
        this.#setRules(loaded.data as RulesFile)
        return
      case "config.json":
        this.#config = freeze(loaded.data as ConfigFile)
        return
      case "state.json": {
        const state = loaded.data as StateFile
        pruneState(state, this.#runtime.memory(), this.#isRemoved)
        this.#runtime.replaceState(state)
        return
      }
      case "usage.json":
        this.#runtime.replaceUsage(loaded.data as UsageFile, loaded.checked)
        return
    }
  }

  #isRemoved = (id: string): boolean => Object.hasOwn(this.#accounts.deleted, id)

  #setAccounts(accounts: AccountsFile): void {
    this.#accounts = accounts
    this.#accountView = freeze(copyData(accounts.accounts))
    const memory = this.#runtime.memory()
    this.#runtime.forget((state, days) => {
      pruneState(state, memory, this.#isRemoved)
      pruneUsage(days, "", this.#isRemoved)
    })
  }

  #setRules(rules: RulesFile): void {
    try {
      this.#compiledRules = compileRules(rules.rules)
      this.#rules = freeze(rules)
    } catch (cause) {
      this.#report({
        code: ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        file: "rules.json",
        message: `A glob in ${this.#files.path("rules.json")} does not compile (${(cause as Error).message}); rules are ignored until it is fixed.`,
        at: this.#now(),
      })
      this.#compiledRules = []
    }
  }

  /** Under the lock: re-reads the named files unconditionally (a signature can repeat; a lost update must not). */
  async #refreshLocked(names: StoreFileName[]): Promise<void> {
    for (const name of names) await this.#loadLocked(name)
  }

  async reload(): Promise<void> {
    // Queued behind this process's own writes: a reload that read a file before a write finished and applied it
    // after would briefly show the older file (and hide a flush's batch). Inside withLock it runs in the holder's
    // turn: joining a reload queued behind that holder would never return.
    if (this.#lock.held) return this.#lock.serial(() => this.#reloadChanged())
    this.#reloading ??= this.#lock
      .serial(() => this.#reloadChanged())
      .finally(() => {
        this.#reloading = undefined
      })
    return this.#reloading
  }

  async #reloadChanged(): Promise<void> {
    const changed: StoreFileName[] = []
    for (const name of FILE_NAMES) if (await this.#files.changed(name)) changed.push(name)
    if (changed.length === 0) return
    // Accounts first: state and usage are pruned by its tombstones.
    changed.sort((a, b) => (a === "accounts.json" ? -1 : b === "accounts.json" ? 1 : 0))
    const needLock: StoreFileName[] = []
    for (const name of changed) {
      const loaded = await this.#files.load(SPECS[name] as FileSpec<unknown>, false)
      if (loaded === undefined) needLock.push(name)
      else this.#apply(name, loaded)
    }
    if (needLock.length > 0) await this.#lock.hold(() => this.#refreshLocked(needLock))
    this.#emit({ type: "change", files: changed, external: true })
  }

  // ---------------------------------------------------------------- lock and events

  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.#lock.run(fn)
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch {}
    }
  }

  #report(problem: StoreProblem): void {
    const seen = this.problems.some((p) => p.code === problem.code && p.file === problem.file && !p.movedTo)
    if (seen && !problem.movedTo) return
    this.problems.push(problem)
    this.#emit({ type: "problem", problem })
  }

  #reportError(error: unknown): void {
    if (isAccountStoreError(error)) {
      this.#report({ code: error.code, file: this.home, message: error.message, at: this.#now() })
    } else {
      this.#report({
        code: ACCOUNT_STORE_ERROR_CODES.IO_FAILED,
        file: this.home,
        message: `A background write to ${this.home} failed (${(error as Error)?.message ?? "unknown"}); it will be retried.`,
        at: this.#now(),
      })
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.CLOSED,
        `The account store at ${this.home} was closed; open a new one with openAccountStore().`,
      )
    }
  }

  // ---------------------------------------------------------------- accounts

  listAccounts(): readonly Account[] {
    return this.#accountView
  }

  getAccount(id: string): Account | undefined {
    return this.#accountView.find((a) => a.id === id)
  }

  /** One locked read-modify-write of accounts.json (and secrets.json when `secrets` was touched). */
  async #mutateAccounts<T>(
    change: (
      accounts: AccountsFile,
      secrets: SecretsFile,
      now: number,
    ) => Promise<{ result: T; secrets: boolean; unchanged?: true }>,
  ): Promise<T> {
    this.#assertOpen()
    const result = await this.withLock(async () => {
      await this.#refreshLocked(["accounts.json", "secrets.json"])
      const accounts = copyData(this.#accounts)
      const secrets = copyData(this.#secrets)
      const outcome = await change(accounts, secrets, this.#now())
      if (outcome.unchanged) return outcome.result
      if (outcome.secrets) {
        // Written first: a crash in between leaves an unused secret (collected below next time), never an account
        // without its key.
        const live = new Set(accounts.accounts.map((a) => a.id))
        for (const ref of Object.keys(secrets.entries)) {
          const owner = ref.split(":")[1]
          if (owner === undefined || !live.has(owner)) delete secrets.entries[ref]
        }
        await this.#files.write(secretsFileSpec, secrets)
        this.#secrets = secrets
      }
      await this.#files.write(SPECS["accounts.json"], accounts)
      this.#setAccounts(accounts)
      return outcome.result
    })
    this.#emit({ type: "change", files: ["accounts.json"], external: false })
    return result
  }

  async addAccount(input: NewAccountInput): Promise<Account> {
    this.#assertOpen()
    const storage = await this.#keychains.storageForNewSecrets(this.#config.config.keychain)
    const { account, secret } = buildAccount(input, { now: this.#now(), secretStorage: storage })
    return this.#mutateAccounts(async (accounts, secrets) => {
      const twin = accounts.accounts.find((a) => a.fingerprint === account.fingerprint)
      if (twin) {
        throw new AccountStoreError(
          ACCOUNT_STORE_ERROR_CODES.DUPLICATE_CREDENTIAL,
          `This credential is already in the pool as account ${twin.id} (${twin.label}); a secret is never stored twice. Update that account instead.`,
        )
      }
      accounts.accounts.push(account)
      if (secret !== undefined)
        await this.#keychains.put(account, `key:${account.id}`, secret, undefined, secrets)
      return { result: snapshotOf(accounts, account.id), secrets: secret !== undefined }
    })
  }

  async updateAccount(id: string, patch: AccountPatch): Promise<Account> {
    return this.#mutateAccounts(async (accounts, _secrets, now) => {
      const index = accounts.accounts.findIndex((a) => a.id === id)
      if (index < 0) throw notFound(id)
      const updated = patchAccount(accounts.accounts[index]!, patch, now)
      const twin = accounts.accounts.find((a) => a.id !== id && a.fingerprint === updated.fingerprint)
      if (twin) {
        throw new AccountStoreError(
          ACCOUNT_STORE_ERROR_CODES.DUPLICATE_CREDENTIAL,
          `Account ${twin.id} (${twin.label}) already uses this credential; account ${id} was left unchanged.`,
        )
      }
      accounts.accounts[index] = updated
      return { result: snapshotOf(accounts, id), secrets: false }
    })
  }

  async learnOrganization(
    id: string,
    learned: { organizationId?: string; workspaceId?: string },
  ): Promise<void> {
    const current = this.getAccount(id)?.learned
    const same =
      (learned.organizationId ?? current?.organizationId) === current?.organizationId &&
      (learned.workspaceId ?? current?.workspaceId) === current?.workspaceId
    if (current && same) return
    await this.#mutateAccounts(async (accounts, _secrets, now) => {
      const account = accounts.accounts.find((a) => a.id === id)
      if (!account) return { result: undefined, secrets: false, unchanged: true }
      const next: NonNullable<StoredAccount["learned"]> = { ...account.learned, at: now }
      if (learned.organizationId) next.organizationId = learned.organizationId
      if (learned.workspaceId) next.workspaceId = learned.workspaceId
      account.learned = next
      account.updatedAt = now
      return { result: undefined, secrets: false }
    })
  }

  async removeAccount(id: string): Promise<void> {
    let removed: StoredAccount | undefined
    await this.#mutateAccounts(async (accounts, _secrets, now) => {
      const index = accounts.accounts.findIndex((a) => a.id === id)
      if (index < 0) throw notFound(id)
      removed = accounts.accounts.splice(index, 1)[0]!
      accounts.deleted[id] = now
      // secrets.json entries of the removed account are collected by #mutateAccounts.
      return { result: undefined, secrets: true }
    })
    if (removed) await this.#keychains.deleteAccount(removed)
    // Its state and usage go now, not at the next flush, so every reader sees the removal complete. The removal
    // itself is already committed: a failure here (say, a state file from a newer version) is reported, and the
    // tombstone keeps pruning at every later write.
    await this.#writeRuntime(undefined, true).catch((error) => this.#reportError(error))
  }

  // ---------------------------------------------------------------- secrets and token slots

  async #readSecret(account: StoredAccount, ref: string): Promise<SecretEntry | undefined> {
    if (account.secretStorage === "keychain") return this.#keychains.get(account, ref)
    this.#files.assertWritable("secrets.json")
    if (this.#lock.held) await this.#refreshLocked(["secrets.json"])
    else if (!this.#secrets.entries[ref] || (await this.#files.changed("secrets.json"))) {
      const loaded = await this.#files.load(secretsFileSpec, false)
      if (loaded) this.#apply("secrets.json", loaded)
    }
    return this.#secrets.entries[ref]
  }

  #requireAccount(id: string): StoredAccount {
    const account = this.#accounts.accounts.find((a) => a.id === id)
    if (!account) throw notFound(id)
    return account
  }

  async getSecret(id: string): Promise<SecretValue> {
    const account = this.#requireAccount(id)
    if (account.credential.kind !== "api-key") {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        `Account ${id} is a ${account.credential.kind} account; only api-key accounts keep a key in the store.`,
      )
    }
    const entry = await this.#readSecret(account, `key:${id}`)
    if (!entry) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.SECRET_MISSING,
        `The key of account ${id} (${account.label}) is missing from ${account.secretStorage === "keychain" ? "the OS keychain" : this.#files.path("secrets.json")}. Remove the account and add the key again.`,
      )
    }
    return new SecretValue(entry.value)
  }

  #slotRef(accountId: string, slot: string): string {
    if (!SLOT_NAME.test(slot)) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        `A token slot name is 1–64 letters, digits, dots, dashes or underscores; got ${JSON.stringify(slot.slice(0, 20))}.`,
      )
    }
    return `token:${accountId}:${slot}`
  }

  async readTokenSlot(accountId: string, slot: string): Promise<TokenSlot | undefined> {
    const ref = this.#slotRef(accountId, slot)
    const entry = await this.#readSecret(this.#requireAccount(accountId), ref)
    if (!entry) return undefined
    const result: TokenSlot = { value: new SecretValue(entry.value), updatedAt: entry.updatedAt }
    if (entry.expiresAt !== undefined) result.expiresAt = entry.expiresAt
    return result
  }

  async writeTokenSlot(accountId: string, slot: string, value: TokenSlotUpdate): Promise<void> {
    await this.updateTokenSlot(accountId, slot, () => value)
  }

  async updateTokenSlot(
    accountId: string,
    slot: string,
    update: (current: TokenSlot | undefined) => TokenSlotUpdate | Promise<TokenSlotUpdate>,
  ): Promise<TokenSlot | undefined> {
    this.#assertOpen()
    const ref = this.#slotRef(accountId, slot)
    return this.withLock(async () => {
      await this.#refreshLocked(["accounts.json"])
      const account = this.#requireAccount(accountId)
      const current = await this.readTokenSlot(accountId, slot)
      const next = await update(current)
      if (next === undefined) return current
      if (account.secretStorage === "keychain") {
        if (next === null) await this.#keychains.delete(account, ref)
        else await this.#keychains.put(account, ref, next.value, next.expiresAt, this.#secrets)
      } else {
        const secrets = copyData(this.#secrets)
        if (next === null) delete secrets.entries[ref]
        else await this.#keychains.put(account, ref, next.value, next.expiresAt, secrets)
        await this.#files.write(secretsFileSpec, secrets)
        this.#secrets = secrets
      }
      return next === null ? undefined : this.readTokenSlot(accountId, slot)
    })
  }

  // ---------------------------------------------------------------- rules and config

  listRules(): readonly RoutingRule[] {
    return this.#rules.rules
  }

  resolveRoute(request: RouteRequest): Route {
    return resolveRoute(this.#compiledRules, this.#accounts.accounts, request)
  }

  async #mutateRules(change: (rules: RoutingRule[]) => void): Promise<readonly RoutingRule[]> {
    this.#assertOpen()
    await this.withLock(async () => {
      await this.#refreshLocked(["rules.json"])
      const rules = structuredClone(this.#rules.rules) as RoutingRule[]
      change(rules)
      try {
        compileRules(rules)
      } catch (cause) {
        throw new AccountStoreError(
          ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
          `A glob in the rules does not compile: ${(cause as Error).message}.`,
          { cause },
        )
      }
      const file: RulesFile = { version: 1, rules }
      await this.#files.write(rulesFileSpec, file)
      this.#setRules(file)
    })
    this.#emit({ type: "change", files: ["rules.json"], external: false })
    return this.#rules.rules
  }

  #validateRule(input: RoutingRuleInput): RoutingRule {
    const result = v.safeParse(routingRuleSchema(), { ...input, id: input.id ?? newRuleId() })
    if (!result.success) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
        `The routing rule is invalid: ${describeIssues(result.issues)}.`,
      )
    }
    return result.output
  }

  async addRule(input: RoutingRuleInput): Promise<RoutingRule> {
    const rule = this.#validateRule(input)
    await this.#mutateRules((rules) => {
      rules.push(rule)
    })
    return rule
  }

  async removeRule(id: string): Promise<void> {
    await this.#mutateRules((rules) => {
      const index = rules.findIndex((r) => r.id === id)
      if (index < 0) {
        throw new AccountStoreError(
          ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
          `No routing rule ${id}; see \`keyrelay rules\`.`,
        )
      }
      rules.splice(index, 1)
    })
  }

  async setRules(inputs: readonly RoutingRuleInput[]): Promise<readonly RoutingRule[]> {
    const rules = inputs.map((r) => this.#validateRule(r))
    return this.#mutateRules((current) => {
      current.splice(0, current.length, ...rules)
    })
  }

  get config(): Readonly<StoreConfig> {
    return this.#config.config
  }

  async updateConfig(patch: Partial<StoreConfig>): Promise<Readonly<StoreConfig>> {
    this.#assertOpen()
    await this.withLock(async () => {
      await this.#refreshLocked(["config.json"])
      // Without a prototype: a `__proto__` key of a patch parsed from JSON stays a key (refused as unknown)
      // instead of becoming the prototype, whose fields the schema would read as settings.
      const merged: Record<string, unknown> = Object.assign(dictionary(), this.#config.config)
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) delete merged[key]
        else merged[key] = value
      }
      const result = v.safeParse(configSchema(), merged)
      if (!result.success) {
        throw new AccountStoreError(
          ACCOUNT_STORE_ERROR_CODES.INVALID_INPUT,
          `The configuration is invalid: ${describeIssues(result.issues)}.`,
        )
      }
      const file: ConfigFile = { version: 1, config: result.output }
      await this.#files.write(configFileSpec, file)
      this.#config = freeze(file)
      this.#keychains.forget()
    })
    this.#emit({ type: "change", files: ["config.json"], external: false })
    return this.#config.config
  }

  // ---------------------------------------------------------------- runtime state

  get state(): RuntimeStateView {
    return this.#runtime.state
  }

  recordOutcome(record: OutcomeRecord): void {
    this.#assertOpen()
    if (this.#isRemoved(record.accountId)) return
    this.#runtime.recordOutcome(record, this.#now())
    this.#schedule()
  }

  recordUsage(record: UsageRecord): void {
    this.#assertOpen()
    if (this.#isRemoved(record.accountId)) return
    this.#runtime.recordUsage(record, this.#now())
    this.#schedule()
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing !== undefined) return
    const delay = Math.max(0, this.#lastFlushAt + this.#intervalMs - Date.now())
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.flush().catch((error) => this.#reportError(error))
    }, delay)
    this.#timer.unref?.()
  }

  async clearCooldowns(match: (key: string) => boolean): Promise<void> {
    this.#assertOpen()
    await this.#writeRuntime((state) => {
      for (const key of Object.keys(state.cooldowns)) if (match(key)) delete state.cooldowns[key]
    }, false)
  }

  async flush(): Promise<void> {
    if (this.#lock.held) {
      // Inside withLock: a flush already queued behind this holder would never start; write the batch now.
      if (this.#runtime.dirty) await this.#writeRuntime(undefined, false)
      return
    }
    while (this.#flushing) await this.#flushing.catch(() => {})
    if (!this.#runtime.dirty) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#flushing = this.#writeRuntime(undefined, false).finally(() => {
      this.#flushing = undefined
      if (this.#runtime.dirty && !this.#closed) this.#schedule()
    })
    return this.#flushing
  }

  /**
   * Merges this process's pending changes into state.json and usage.json under the lock, applying `edit` to the
   * merged state (for explicit changes such as clearing cooldowns) and writing both when `force` is set.
   */
  async #writeRuntime(edit: ((state: StateFile) => void) | undefined, force: boolean): Promise<void> {
    this.#lastFlushAt = Date.now()
    const written = await this.withLock(async () => {
      // Tombstones first: a removal by another process must prune what this one is about to write.
      await this.#refreshLocked(["accounts.json"])
      const now = this.#now()
      return mergeRuntimeLocked(
        { files: this.#files, runtime: this.#runtime, now, isRemoved: this.#isRemoved },
        { oldestDayKept: this.#oldestDayKept(now), force, ...(edit ? { edit } : {}) },
      )
    })
    if (written.length > 0) this.#emit({ type: "change", files: written, external: false })
  }

  #oldestDayKept(now: number): string {
    return utcDay(now - this.#config.config.usageRetentionDays * DAY_MS)
  }

  /**
   * The last flush, synchronous because `exit` handlers cannot wait; `force` also writes when this process's own
   * interrupted async flush holds the lock (the process is ending, that flush never will).
   */
  flushSync(force = true): void {
    mergeRuntimeSync(
      { files: this.#files, runtime: this.#runtime, now: this.#now(), isRemoved: this.#isRemoved },
      force,
    )
  }

  usage(query?: UsageQuery): UsageRow[] {
    return usageRows(this.#runtime.usageDays(query?.from, query?.to), query)
  }

  budgets(): BudgetStatus[] {
    const now = this.#now()
    const month = new Date(now).toISOString().slice(0, 7)
    return budgetStatus(this.#runtime.usageDays(`${month}-01`, `${month}-31`), this.#accounts.accounts, now)
  }

  /**
   * A day of usage failed its check when first read: the file is read again and validated whole under the lock,
   * which moves it aside and reports it if it is corrupt, as opening it would have.
   */
  #recheckUsage(): void {
    this.withLock(() => this.#loadLocked("usage.json"))
      .then(() => this.#emit({ type: "change", files: ["usage.json"], external: true }))
      .catch((error) => this.#reportError(error))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#watcher?.close()
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    try {
      await this.flush()
    } finally {
      this.#closed = true
      this.#unhookExit?.()
      this.#listeners.clear()
    }
  }
}

/**
 * Opens (creating if needed) the store under `KEYRELAY_HOME` or `$XDG_CONFIG_HOME/keyrelay`: reads every file,
 * migrates older schemas (after a backup), moves corrupt files aside and reports them, and starts watching for
 * changes made by other processes.
 *
 * @example
 * ```ts
 * const store = await openAccountStore()
 * const account = await store.addAccount({ label: "work", credential: { kind: "env", variable: "WORK_KEY" } })
 * store.recordUsage({ accountId: account.id, model: "claude-sonnet-4-5", inputTokens: 1200, outputTokens: 300, costMicroUsd: 8100 })
 * await store.close()
 * ```
 * @throws AccountStoreError ERR_STORE_INVALID_OPTIONS for a malformed option; ERR_STORE_IO_FAILED when the
 * directory cannot be created; ERR_STORE_LOCK_TIMEOUT
 */
export async function openAccountStore(options: AccountStoreOptions = {}): Promise<AccountStore> {
  if (options.home !== undefined && (typeof options.home !== "string" || options.home === "")) {
    throw new AccountStoreError(ACCOUNT_STORE_ERROR_CODES.INVALID_OPTIONS, "`home` must be a non-empty path.")
  }
  const forget = options.forgetCooldownsAfterMs
  if (forget !== undefined && !(typeof forget === "number" && Number.isFinite(forget) && forget >= 0)) {
    throw new AccountStoreError(
      ACCOUNT_STORE_ERROR_CODES.INVALID_OPTIONS,
      "`forgetCooldownsAfterMs` must be a finite number of milliseconds ≥ 0 (default 86 400 000, one day).",
    )
  }
  const store = new Store(options.home ?? resolveStoreHome(), options)
  await store.open(options)
  return store
}
