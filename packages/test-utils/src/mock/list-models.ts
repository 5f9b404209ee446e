import { findMockModel, MOCK_MODELS, type MockModel } from "./model-catalogue.ts"
import type { ResponsePlan } from "./response-plan.ts"

function apiModel(m: MockModel) {
  return {
    type: "model",
    id: m.id,
    display_name: m.displayName,
    created_at: m.createdAt,
    max_input_tokens: m.maxInputTokens,
    max_tokens: m.maxTokens,
  }
}

const invalid = (message: string): ResponsePlan => ({
  type: "error",
  status: 400,
  errorType: "invalid_request_error",
  message,
  identified: true,
})

/**
 * `GET /v1/models` (paged with `limit`, `after_id`, `before_id`, newest first) and `GET /v1/models/{id}`.
 *
 * @see reference/anthropic-api.md §7 ("Getting limits programmatically")
 */
export function planModels(path: string, query: URLSearchParams): ResponsePlan {
  if (path !== "/v1/models") {
    const id = decodeURIComponent(path.slice("/v1/models/".length))
    const m = findMockModel(id)
    if (!m)
      return {
        type: "error",
        status: 404,
        errorType: "not_found_error",
        message: `model: ${id}`,
        identified: true,
      }
    return { type: "json", status: 200, body: apiModel(m), identified: true }
  }
  const limitParam = query.get("limit")
  const limit = limitParam === null ? 20 : Number(limitParam)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return invalid("limit: Input should be greater than or equal to 1 and less than or equal to 1000")
  }
  const after = query.get("after_id")
  const before = query.get("before_id")
  let start = 0
  let end = MOCK_MODELS.length
  if (after !== null) {
    const i = MOCK_MODELS.findIndex((m) => m.id === after)
    if (i < 0) return invalid(`after_id: unknown model id ${after}`)
    start = i + 1
  }
  if (before !== null) {
    const i = MOCK_MODELS.findIndex((m) => m.id === before)
    if (i < 0) return invalid(`before_id: unknown model id ${before}`)
    end = i
    start = Math.max(start, end - limit)
  }
  const page = MOCK_MODELS.slice(start, Math.min(end, start + limit))
  const more = before !== null ? start > 0 : start + page.length < end
  return {
    type: "json",
    status: 200,
    body: {
      data: page.map(apiModel),
      has_more: more,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    },
    identified: true,
  }
}
