/** The OS keychain as the store uses it: one entry per secret ref, the JSON of a secret entry as its password. */
export interface Keychain {
  get(ref: string): string | undefined
  set(ref: string, value: string): void
  delete(ref: string): void
  /** Deletes every entry of one account (its key and all its token slots). */
  deleteAccount(accountId: string): void
}

export type KeychainProbe = { ok: true; keychain: Keychain } | { ok: false; reason: string }

interface KeyringEntry {
  getPassword(): string | null | undefined
  setPassword(value: string): void
  deletePassword(): boolean | undefined
}
interface KeyringModule {
  Entry: new (service: string, user: string, options?: { linux?: { store?: string } }) => KeyringEntry
  findCredentials?: (service: string) => Array<{ account: string }>
}

const SERVICE = "keyrelay"
// A variable, so bundlers leave the optional peer alone and it is only looked for when the keychain is turned on.
const KEYRING_MODULE = "@napi-rs/keyring"

/**
 * Loads `@napi-rs/keyring` and proves the keychain works with a read. On Linux the Secret Service is required:
 * the library's silent fallback to the kernel keyring would lose every secret at the next reboot.
 */
export async function probeKeychain(
  home: string,
  load: () => Promise<unknown> = () => import(KEYRING_MODULE),
): Promise<KeychainProbe> {
  let module: KeyringModule
  try {
    module = (await load()) as KeyringModule
  } catch {
    return {
      ok: false,
      reason: `the optional package ${KEYRING_MODULE} is not installed or does not load in this runtime (install it next to keyrelay to use the keychain)`,
    }
  }
  // Several store homes on one machine must not share keychain entries.
  const scope = process
    .getBuiltinModule("node:crypto")
    .createHash("sha256")
    .update(home)
    .digest("hex")
    .slice(0, 12)
  const entry = (ref: string) =>
    new module.Entry(SERVICE, `${scope}/${ref}`, { linux: { store: "secret-service" } })
  try {
    entry("probe").getPassword()
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error)
    return {
      ok: false,
      reason: `no keychain service answered (${detail}); on Linux start a Secret Service such as gnome-keyring or KeePassXC`,
    }
  }
  return {
    ok: true,
    keychain: {
      get: (ref) => entry(ref).getPassword() ?? undefined,
      set: (ref, value) => entry(ref).setPassword(value),
      delete: (ref) => {
        try {
          entry(ref).deletePassword()
        } catch {}
      },
      deleteAccount: (accountId) => {
        const refs = new Set([`key:${accountId}`])
        try {
          for (const { account } of module.findCredentials?.(SERVICE) ?? []) {
            const ref = account.slice(scope.length + 1)
            if (account.startsWith(`${scope}/`) && ref.startsWith(`token:${accountId}:`)) refs.add(ref)
          }
        } catch {}
        for (const ref of refs) {
          try {
            entry(ref).deletePassword()
          } catch {}
        }
      },
    },
  }
}
