import type { Credential } from "./account-types.ts"

/**
 * A stable, non-reversible fingerprint of what a credential authenticates as, used to refuse adding the same
 * credential twice: the SHA-256 of the key for `api-key`, of the identifying fields for the other kinds.
 *
 * @example
 * ```ts
 * credentialFingerprint({ kind: "env", variable: "ANTHROPIC_API_KEY" }) // 32 hex characters
 * ```
 */
export function credentialFingerprint(credential: Credential, secret?: string): string {
  let parts: string[]
  switch (credential.kind) {
    case "api-key":
      parts = [secret ?? ""]
      break
    case "env":
      parts = [credential.variable]
      break
    case "command":
      parts = [credential.command.trim()]
      break
    case "profile":
      parts = [credential.profile, credential.configDir ?? ""]
      break
    case "federation":
      parts = [
        credential.federationRuleId,
        credential.organizationId,
        credential.serviceAccountId,
        credential.workspaceId ?? "",
      ]
      break
  }
  // Loaded on first use: importing node:crypto costs more than the whole store at startup, and opening a store
  // never fingerprints.
  return process
    .getBuiltinModule("node:crypto")
    .createHash("sha256")
    .update([credential.kind, ...parts].join("\0"))
    .digest("hex")
    .slice(0, 32)
}
