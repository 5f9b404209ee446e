/**
 * A fetch that answers every request with an Anthropic-shaped `authentication_error` carrying `message`, without
 * reaching the network. The loader hands it to OpenCode when OpenCode's auth entry is keyrelay's marker but the
 * pool cannot be built (the store does not open): OpenCode then prints what is wrong, instead of sending the marker
 * to Anthropic as if it were a key. `x-should-retry: false`, and a 401 that OpenCode does not retry.
 */
export function unavailableFetch(message: string): typeof fetch {
  return (async () =>
    new Response(
      JSON.stringify({
        type: "error",
        error: { type: "authentication_error", message: `keyrelay: ${message}` },
      }),
      { status: 401, headers: { "content-type": "application/json", "x-should-retry": "false" } },
    )) as unknown as typeof fetch
}
