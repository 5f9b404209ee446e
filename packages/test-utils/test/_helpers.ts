// Shared helpers of the mock's integration tests.
import { request } from "node:http"
import type { SseEvent } from "../src/mock/message-events.ts"

export const ORG_A = "org-a"
export const ORG_B = "org-b"
export const KEY_A1 = "sk-ant-api03-test-a1-aaaaaaaaaaaaaaaaaaaa"
export const KEY_A2 = "sk-ant-api03-test-a2-bbbbbbbbbbbbbbbbbbbb"
export const KEY_B1 = "sk-ant-api03-test-b1-cccccccccccccccccccc"

/** Two organizations, three keys: a1 and a2 share org-a, b1 is alone in org-b. */
export const baseConfig = () => ({
  organizations: [
    { id: ORG_A, defaultWorkspaceId: "wrkspc_a" },
    { id: ORG_B, defaultWorkspaceId: "wrkspc_b" },
  ],
  credentials: [
    { label: "a1", apiKey: KEY_A1, organizationId: ORG_A },
    { label: "a2", apiKey: KEY_A2, organizationId: ORG_A },
    { label: "b1", apiKey: KEY_B1, organizationId: ORG_B },
  ],
})

export const HELLO = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello" }],
}

/** POST /v1/messages with an API key and the version header. */
export function post(
  url: string,
  body: unknown,
  options: { key?: string; headers?: Record<string, string>; path?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${url}${options.path ?? "/v1/messages"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      ...(options.key === undefined
        ? { "x-api-key": KEY_A1 }
        : options.key
          ? { "x-api-key": options.key }
          : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  })
}

/** Parses an SSE text into events, strictly: every event must have `event:` and `data:` with the same type. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = []
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue
    const lines = block.split("\n")
    const event = lines.find((l) => l.startsWith("event: "))?.slice(7)
    const data = lines.find((l) => l.startsWith("data: "))?.slice(6)
    if (event === undefined || data === undefined) throw new Error(`malformed SSE block: ${block}`)
    const parsed = JSON.parse(data) as Record<string, unknown>
    if (parsed.type !== event) throw new Error(`event ${event} carries type ${String(parsed.type)}`)
    out.push({ event, data: parsed })
  }
  return out
}

/** Reads a body and returns the raw chunks as they arrived. */
export async function readChunks(res: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  const reader = res.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return chunks
    chunks.push(value)
  }
}

/** A raw HTTP request over a unix socket. */
export function viaSocket(
  socketPath: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request(
      { socketPath, path, method: "POST", headers: { ...headers, "content-type": "application/json" } },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (c) => (text += c))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on("error", reject)
    req.end(payload)
  })
}

/** POST /v1/oauth/token: a jwt-bearer exchange for rule `fdrl_ci` of org-a's service account `svac_ci`, plus `body`. */
export function exchange(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-beta": "oauth-2025-04-20,oidc-federation-2026-04-01",
    },
    body: JSON.stringify({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      federation_rule_id: "fdrl_ci",
      organization_id: ORG_A,
      service_account_id: "svac_ci",
      ...body,
    }),
  })
}
