// Workload identity federation in the real OpenCode 1.18.33: the pool's only account is a federation account whose
// identity token comes from a file (as a CI runner's OIDC token does). Inside OpenCode, the plugin's pool fetch
// exchanges it at the mock's /v1/oauth/token through the official SDK's oidcFederationProvider, and every Messages
// request carries the minted bearer token — no static key anywhere.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { createTestIdentityIssuer } from "@keyrelay/test-utils"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  allRuns,
  type E2eWorld,
  expectHonestWire,
  explain,
  messages,
  openStore,
  poolSandbox,
  run,
  startWorld,
} from "./_opencode-e2e.ts"

const TIMEOUT = 400_000
const PERSONAL_ORG = "22222222-2222-4222-8222-222222222222"

describe("workload identity federation in the real OpenCode", () => {
  const idp = createTestIdentityIssuer()
  let world: E2eWorld
  beforeAll(async () => {
    world = await startWorld({
      issuers: [idp.mockIssuer],
      federationRules: [
        {
          id: "fdrl_e2e",
          issuer: idp.issuer,
          organizationId: PERSONAL_ORG,
          serviceAccountId: "svac_e2e",
          subjectPrefix: "repo:keyrelay/*",
          audience: "https://api.anthropic.com",
          label: "federation",
        },
      ],
    })
  })
  afterAll(async () => {
    await world?.close()
  })

  it(
    "exchanges the identity token once and serves every request with the minted token",
    async () => {
      const { sandbox, home } = await poolSandbox(world, [])
      const tokenFile = join(world.dir, "identity-token")
      writeFileSync(tokenFile, idp.sign(), { mode: 0o600 })
      const store = await openStore(home)
      try {
        await store.addAccount({
          label: "ci",
          credential: {
            kind: "federation",
            federationRuleId: "fdrl_e2e",
            organizationId: PERSONAL_ORG,
            serviceAccountId: "svac_e2e",
            identityToken: { source: "file", path: tokenFile },
          },
          baseUrl: world.baseUrl,
        })
      } finally {
        await store.close()
      }
      try {
        const result = await run(world, { sandbox, title: "federation" })
        expect(result.exitCode, explain(result)).toBe(0)
        // One exchange (the token file holds one token, and a reused jti would be refused), then OpenCode's
        // requests — its title request and the prompt — all with the minted token.
        const exchanges = result.requests.filter((r) => r.path === "/v1/oauth/token")
        expect(exchanges.map((r) => r.response?.status)).toEqual([200])
        expect(exchanges[0]?.headers["anthropic-beta"]).toContain("oidc-federation-2026-04-01")
        const sent = messages(result)
        expect(sent.length).toBeGreaterThan(0)
        for (const request of sent) {
          expect(request.response?.status).toBe(200)
          expect(request.credential).toMatchObject({ label: "federation", kind: "federation" })
          expect(request.headers.authorization).toMatch(/^Bearer …/) // redacted by the mock's log
          expect(request.headers["x-api-key"]).toBeUndefined()
          expect(request.headers["anthropic-beta"]).toContain("oauth-2025-04-20")
        }
        expect(result.stdout).not.toMatch(/sk-ant-oat01|eyJ/)
        expect(result.stderr).not.toMatch(/sk-ant-oat01|eyJ/)
      } finally {
        await sandbox.remove()
      }
    },
    TIMEOUT,
  )

  it("every run said on the wire that it came through keyrelay, and reached nothing but loopback", () => {
    expect(allRuns.length).toBeGreaterThan(0)
    expectHonestWire(allRuns)
  })
})
