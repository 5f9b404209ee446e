// OpenCode 1.18.33 retries every 429 and 5xx up to 5 times, sleeping for `retry-after-ms` / `retry-after` however
// long that is (its SessionRetry caps the delay at 2^31 ms), and ignores `x-should-retry`. When the pool answers
// that no account can serve and nothing frees up soon (a spend cap until the month turns, cooldowns of many
// minutes), it says `x-should-retry: false` with `retry-after` at the time capacity returns; OpenCode would then
// sleep until that time, hours or weeks. So for OpenCode such an answer carries `retry-after-ms: 0` instead: its
// retries come back at once (the pool answers them without reaching the API) and OpenCode shows the pool's message,
// which names when capacity returns. Answers the host should retry keep their headers.

/** The response OpenCode should see for a pool response, with its retry timing made to honour `x-should-retry`. */
export function honourShouldRetry(response: Response): Response {
  if (response.headers.get("x-should-retry") !== "false") return response
  if (!response.headers.has("retry-after") && !response.headers.has("retry-after-ms")) return response
  const headers = new Headers(response.headers)
  headers.delete("retry-after")
  headers.set("retry-after-ms", "0")
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/** A fetch for OpenCode over the pool fetch: the same requests, with {@link honourShouldRetry} on each answer. */
export function opencodeFetch(poolFetch: typeof fetch): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) =>
    honourShouldRetry(await poolFetch(input, init))) as typeof fetch
}
