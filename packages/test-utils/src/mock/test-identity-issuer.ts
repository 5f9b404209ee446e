import { generateKeyPairSync, randomUUID, sign } from "node:crypto"
import type { MockIssuer } from "./mock-config.ts"

/** An identity token issuer for workload identity federation tests: its key pair, and JWTs signed with it. */
export interface TestIdentityIssuer {
  /** The `iss` every token carries. */
  readonly issuer: string
  /** The issuer as the mock's `issuers` entry takes it, with its public key inline. */
  readonly mockIssuer: MockIssuer
  /**
   * A freshly signed JWT: `iss`, `sub`, `aud`, `iat`, `exp` (10 minutes on) and a new `jti`, each overridable
   * through `claims`.
   */
  sign(claims?: Record<string, unknown>): string
}

/** Options of {@link createTestIdentityIssuer}. */
export interface TestIdentityIssuerOptions {
  /** Default `https://idp.keyrelay.test` (never contacted: the mock gets the key inline). */
  issuer?: string
  /** The default `sub` (default `repo:keyrelay/ci`). */
  subject?: string
  /** The default `aud` (default `https://api.anthropic.com`). */
  audience?: string
  /** Passed to the mock's issuer entry (default true, as the API: a reused `jti` is refused). */
  checkJti?: boolean
}

/**
 * Creates an issuer of RS256 identity tokens whose public key the mock Anthropic API trusts, as a CI provider's
 * OIDC tokens are trusted by a federation rule.
 *
 * @example
 * ```ts
 * const idp = createTestIdentityIssuer()
 * const mock = await startMockAnthropic({ issuers: [idp.mockIssuer], federationRules: [{ issuer: idp.issuer, … }] })
 * await writeFile(tokenFile, idp.sign())
 * ```
 * @see https://platform.claude.com/docs/en/manage-claude/workload-identity-federation
 */
export function createTestIdentityIssuer(options: TestIdentityIssuerOptions = {}): TestIdentityIssuer {
  const issuer = options.issuer ?? "https://idp.keyrelay.test"
  const kid = `test-${randomUUID().slice(0, 8)}`
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
  return {
    issuer,
    mockIssuer: {
      issuer,
      jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] },
      checkJti: options.checkJti ?? true,
    },
    sign(claims = {}) {
      const now = Math.floor(Date.now() / 1000)
      const signed = `${encode({ alg: "RS256", kid, typ: "JWT" })}.${encode({
        iss: issuer,
        sub: options.subject ?? "repo:keyrelay/ci",
        aud: options.audience ?? "https://api.anthropic.com",
        iat: now,
        exp: now + 600,
        jti: randomUUID(),
        ...claims,
      })}`
      return `${signed}.${sign("sha256", Buffer.from(signed), privateKey).toString("base64url")}`
    },
  }
}
