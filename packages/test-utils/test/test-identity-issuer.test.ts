import { afterEach, describe, expect, it } from "vitest"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { createTestIdentityIssuer } from "../src/mock/test-identity-issuer.ts"
import { exchange, ORG_A } from "./_helpers.ts"

let mock: MockAnthropic | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

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
    expect((await exchange(mock.url, { assertion: token })).status).toBe(200)
    expect((await exchange(mock.url, { assertion: token })).status).toBe(401)
    expect(mock.requests.at(-1)?.response?.scenario).toBe("denied:jti_replayed")
    expect((await exchange(mock.url, { assertion: idp.sign() })).status).toBe(200)
    // The same issuer name with a key the mock does not trust.
    expect((await exchange(mock.url, { assertion: stranger.sign() })).status).toBe(401)
    expect((await exchange(mock.url, { assertion: idp.sign({ sub: "repo:someone-else/app" }) })).status).toBe(
      401,
    )
  })
})
