import { type Keychain, probeKeychain } from "./_keychain.ts"
import type { SecretEntry, SecretsFile } from "./_secrets-file.ts"
import type { StoreProblem } from "./_store-files.ts"
import { ACCOUNT_STORE_ERROR_CODES, AccountStoreError } from "./account-store-error.ts"
import type { StoredAccount } from "./store-types.ts"

export interface SecretPlacementOptions {
  home: string
  secretsPath: string
  now: () => number
  report: (problem: StoreProblem) => void
  loadKeyring?: () => Promise<unknown>
}

/**
 * Decides where secrets live (secrets.json or the OS keychain) and reads and writes the keychain side. Each
 * account records its placement when it is added, so turning the keychain on or off never strands a secret.
 * The keychain is probed on first use, never at import or open.
 */
export class SecretPlacement {
  readonly #options: SecretPlacementOptions
  #probe: ReturnType<typeof probeKeychain> | undefined

  constructor(options: SecretPlacementOptions) {
    this.#options = options
  }

  /** Forgets the last probe (the keychain setting changed). */
  forget(): void {
    this.#probe = undefined
  }

  #probeOnce(): ReturnType<typeof probeKeychain> {
    this.#probe ??= probeKeychain(this.#options.home, this.#options.loadKeyring)
    return this.#probe
  }

  /** Where a new account's secrets go: the keychain if it is on and answers, else the file (said once, clearly). */
  async storageForNewSecrets(keychainOn: boolean): Promise<"file" | "keychain"> {
    if (!keychainOn) return "file"
    const probe = await this.#probeOnce()
    if (probe.ok) return "keychain"
    this.#options.report({
      code: ACCOUNT_STORE_ERROR_CODES.KEYCHAIN_UNAVAILABLE,
      file: "keychain",
      message: `The OS keychain is turned on, but ${probe.reason}. Secrets are kept in ${this.#options.secretsPath} (mode 0600) instead; turn the keychain off with \`keyrelay config keychain off\` to silence this.`,
      at: this.#options.now(),
    })
    return "file"
  }

  async #keychainOf(account: StoredAccount): Promise<Keychain> {
    const probe = await this.#probeOnce()
    if (!probe.ok) {
      throw new AccountStoreError(
        ACCOUNT_STORE_ERROR_CODES.KEYCHAIN_UNAVAILABLE,
        `The secrets of account ${account.id} (${account.label}) are in the OS keychain, but ${probe.reason}.`,
      )
    }
    return probe.keychain
  }

  /** Stores a secret where the account keeps its secrets: the keychain, or `secrets` (written by the caller). */
  async put(
    account: StoredAccount,
    ref: string,
    value: string,
    expiresAt: number | undefined,
    secrets: SecretsFile,
  ): Promise<void> {
    const entry: SecretEntry = { value, updatedAt: this.#options.now() }
    if (expiresAt !== undefined) entry.expiresAt = expiresAt
    if (account.secretStorage === "keychain")
      (await this.#keychainOf(account)).set(ref, JSON.stringify(entry))
    else secrets.entries[ref] = entry
  }

  /** Reads a keychain-held secret. @throws AccountStoreError ERR_STORE_KEYCHAIN_UNAVAILABLE */
  async get(account: StoredAccount, ref: string): Promise<SecretEntry | undefined> {
    const raw = (await this.#keychainOf(account)).get(ref)
    return raw === undefined ? undefined : (JSON.parse(raw) as SecretEntry)
  }

  async delete(account: StoredAccount, ref: string): Promise<void> {
    ;(await this.#keychainOf(account)).delete(ref)
  }

  /** Deletes a removed account's keychain entries (its key and every token slot); file entries go with the file. */
  async deleteAccount(account: StoredAccount): Promise<void> {
    if (account.secretStorage !== "keychain") return
    const probe = await this.#probeOnce()
    if (probe.ok) probe.keychain.deleteAccount(account.id)
  }
}
