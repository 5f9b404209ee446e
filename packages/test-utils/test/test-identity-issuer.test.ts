import { afterEach, describe, expect, it } from "vitest"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { createTestIdentityIssuer } from "../src/mock/test-identity-issuer.ts"
import { ORG_A } from "./_helpers.ts"

let mock: MockAnthropic | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

function exchange(url: string, assertion: string) {
  return fetch(`${url}/v1/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-beta": "oauth-2025-04-20,oidc-federation-2026-04-01",
    },
    body: JSON.stringify({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
      federation_rule_id: "fdrl_ci",
      organization_id: ORG_A,
      service_account_id: "svac_ci",
    }),
  })
}

describe("createTestIdentityIssuer", () => {
  it("signs tokens the mock's federation exchange accepts once each, and only from its own key", async () => {
    const idp = createTestIdentityIssuer()
    const stranger = createTestIdentityIssuer()
    mock = await startMockAnthropic({
      organizations: [{ id: ORG_A }],
      issuers: [idp.mockIssuer],
      federationRules: [
        {
          id: "fdrl_ci",
          issuer: idp.issuer,
          organizationId: ORG_A,
          serviceAccountId: "svac_ci",
          subjectPrefix: "repo:keyrelay/*",
          audience: "https://api.anthropic.com",
        },
      ],
    })
    const token = idp.sign()
    expect((await exchange(mock.url, token)).status).toBe(200)
    expect((await exchange(mock.url, token)).status).toBe(401)
    expect(mock.requests.at(-1)?.response?.scenario).toBe("denied:jti_replayed")
    expect((await exchange(mock.url, idp.sign())).status).toBe(200)
    // The same issuer name with a key the mock does not trust.
    expect((await exchange(mock.url, stranger.sign())).status).toBe(401)
    expect((await exchange(mock.url, idp.sign({ sub: "repo:someone-else/app" }))).status).toBe(401)
  })
})
