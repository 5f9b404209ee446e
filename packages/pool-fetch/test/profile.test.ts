// Anthropic profiles (`ant auth login`, ~/.config/anthropic) resolved by the official SDK's credential chain: a
// federation profile (the SDK exchanges and caches in the profile's credentials file) and a user_oauth profile whose
// token is static; the profile's base_url is where the account's requests go when the account names none.
import { generateKeyPairSync, randomUUID, sign } from "node:crypto"
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { ORG_B, type Pool, send, startPool } from "./_pool.ts"

const ISSUER = "https://ci.keyrelay.test"
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })

function jwt(): string {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
  const head = `${encode({ alg: "ES256", kid: "k1" })}.${encode({ iss: ISSUER, sub: "ci", iat: now, exp: now + 600, jti: randomUUID() })}`
  const signature = sign("sha256", Buffer.from(head), { key: privateKey, dsaEncoding: "ieee-p1363" })
  return `${head}.${signature.toString("base64url")}`
}

let fixture: Pool | undefined
let dir: string | undefined
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

async function profileDir(name: string, config: unknown, credentials?: unknown): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "keyrelay-profile-"))
  await mkdir(join(dir, "configs"), { recursive: true, mode: 0o700 })
  await mkdir(join(dir, "credentials"), { recursive: true, mode: 0o700 })
  await writeFile(join(dir, "configs", `${name}.json`), JSON.stringify(config), { mode: 0o600 })
  if (credentials)
    await writeFile(join(dir, "credentials", `${name}.json`), JSON.stringify(credentials), { mode: 0o600 })
  return dir
}

describe("profile accounts", () => {
  it("an oidc_federation profile: the SDK exchanges, caches in the profile's credentials file; base_url is used", async () => {
    fixture = await startPool({
      labels: [],
      mock: {
        issuers: [
          {
            issuer: ISSUER,
            jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "ES256" }] },
          },
        ],
        federationRules: [
          {
            id: "fdrl_ci",
            issuer: ISSUER,
            organizationId: ORG_B,
            serviceAccountId: "svac_ci",
            label: "ci-profile",
          },
        ],
      },
    })
    const { pool, store, mock } = fixture
    const configDir = await profileDir("ci", {
      organization_id: ORG_B,
      base_url: mock.url,
      authentication: {
        type: "oidc_federation",
        federation_rule_id: "fdrl_ci",
        service_account_id: "svac_ci",
        identity_token: {
          source: "file",
          path: join(await mkdtemp(join(tmpdir(), "keyrelay-jwt-")), "token"),
        },
      },
    })
    const config = JSON.parse(
      await import("node:fs/promises").then((fs) =>
        fs.readFile(join(configDir, "configs", "ci.json"), "utf8"),
      ),
    )
    await writeFile(config.authentication.identity_token.path, jwt())
    await store.addAccount({ label: "ci", credential: { kind: "profile", profile: "ci", configDir } })
    expect((await send(pool)).status).toBe(200)
    expect((await send(pool)).status).toBe(200)
    expect(mock.requests.map((r) => `${r.path} ${r.credential?.label}`)).toEqual([
      "/v1/oauth/token ci-profile",
      "/v1/messages ci-profile",
      "/v1/messages ci-profile",
    ])
    const cached = await stat(join(configDir, "credentials", "ci.json"))
    expect(cached.mode & 0o077).toBe(0)
  })

  it("a user_oauth profile with a static token: Authorization: Bearer with the oauth beta", async () => {
    fixture = await startPool({ labels: [] })
    const { pool, store, mock } = fixture
    mock.addCredential({
      label: "console-login",
      token: "sk-ant-oat01-test-profile-token-0000000000",
      organizationId: ORG_B,
    })
    const configDir = await profileDir(
      "me",
      { organization_id: ORG_B, base_url: mock.url, authentication: { type: "user_oauth" } },
      {
        type: "oauth_token",
        access_token: "sk-ant-oat01-test-profile-token-0000000000",
        expires_at: Math.floor(Date.now() / 1000) + 3600,
      },
    )
    await store.addAccount({ label: "me", credential: { kind: "profile", profile: "me", configDir } })
    expect((await send(pool)).status).toBe(200)
    const seen = mock.requests[0]!
    expect(seen.credential?.label).toBe("console-login")
    expect(seen.headers.authorization).toMatch(/^Bearer /)
    expect(seen.headers["anthropic-beta"]).toContain("oauth-2025-04-20")
  })

  it("a missing profile is a credential failure that names the account and the profile", async () => {
    fixture = await startPool({ labels: [] })
    const { pool, store, events } = fixture
    dir = await mkdtemp(join(tmpdir(), "keyrelay-profile-"))
    await store.addAccount({
      label: "ghost",
      credential: { kind: "profile", profile: "nope", configDir: dir },
    })
    expect((await send(pool)).status).toBe(401)
    const failed = events.find((e) => e.type === "credential-failed")
    expect(failed?.message).toContain('"ghost"')
    expect(failed?.message).toContain('"nope"')
  })
})
