import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { countInputTokens } from "../src/mock/estimate-tokens.ts"
import { MOCK_MODELS } from "../src/mock/model-catalogue.ts"
import { type MockAnthropic, startMockAnthropic } from "../src/mock/start-mock-anthropic.ts"
import { baseConfig, HELLO, KEY_A1, ORG_A, post } from "./_helpers.ts"

let mock: MockAnthropic
beforeEach(async () => {
  mock = await startMockAnthropic(baseConfig())
})
afterEach(() => mock.close())

const get = (path: string, key = KEY_A1) =>
  fetch(`${mock.url}${path}`, { headers: { "x-api-key": key, "anthropic-version": "2023-06-01" } })

interface ModelList {
  data: { type: string; id: string; display_name: string; created_at: string }[]
  has_more: boolean
  first_id: string | null
  last_id: string | null
}

describe("GET /v1/models", () => {
  it("lists models newest first with the API's page fields", async () => {
    const res = await get("/v1/models")
    expect(res.status).toBe(200)
    expect(res.headers.get("anthropic-organization-id")).toBe(ORG_A)
    const page = (await res.json()) as ModelList
    expect(page.data).toHaveLength(Math.min(20, MOCK_MODELS.length))
    expect(page.data[0]).toMatchObject({ type: "model", id: MOCK_MODELS[0]!.id })
    expect(page.first_id).toBe(page.data[0]!.id)
    expect(page.last_id).toBe(page.data.at(-1)!.id)
    const dates = page.data.map((m) => m.created_at)
    expect([...dates].sort().reverse()).toEqual(dates)
  })

  it("pages with limit, after_id and before_id", async () => {
    const first = (await (await get("/v1/models?limit=4")).json()) as ModelList
    expect(first.data).toHaveLength(4)
    expect(first.has_more).toBe(true)
    const second = (await (await get(`/v1/models?limit=4&after_id=${first.last_id}`)).json()) as ModelList
    expect(second.data[0]!.id).toBe(MOCK_MODELS[4]!.id)
    const back = (await (await get(`/v1/models?limit=4&before_id=${second.first_id}`)).json()) as ModelList
    expect(back.data.map((m) => m.id)).toEqual(first.data.map((m) => m.id))
    expect(back.has_more).toBe(false)
    const all = (await (await get("/v1/models?limit=1000")).json()) as ModelList
    expect(all.has_more).toBe(false)
    expect(all.data.map((m) => m.id)).toEqual(MOCK_MODELS.map((m) => m.id))
    expect((await get("/v1/models?limit=0")).status).toBe(400)
  })

  it("gets one model by id or alias, 404s an unknown one, and needs a credential", async () => {
    expect(((await (await get("/v1/models/claude-sonnet-4-5")).json()) as { id: string }).id).toBe(
      "claude-sonnet-4-5-20250929",
    )
    expect((await get("/v1/models/claude-nope")).status).toBe(404)
    expect((await get("/v1/models", "sk-ant-api03-test-unknown")).status).toBe(401)
  })
})

describe("POST /v1/messages/count_tokens", () => {
  it("answers { input_tokens } by the documented estimate, without touching the rate limits", async () => {
    const { max_tokens: _, ...body } = HELLO
    const res = await post(mock.url, body, { path: "/v1/messages/count_tokens" })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ input_tokens: countInputTokens(body) })
    expect(mock.rateLimits(ORG_A, HELLO.model).requests.remaining).toBe(1000)
  })

  it("takes scenarios matched on its path", async () => {
    mock.script({
      match: { path: "/v1/messages/count_tokens" },
      respond: { kind: "error", error: "overloaded" },
    })
    expect((await post(mock.url, HELLO)).status).toBe(200)
    expect((await post(mock.url, HELLO, { path: "/v1/messages/count_tokens" })).status).toBe(529)
  })
})
