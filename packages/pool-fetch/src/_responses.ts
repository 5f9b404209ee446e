// The responses pool-fetch hands back that are not a streamed success: an API error returned untouched (its body
// was read to classify it), and keyrelay's own error in Anthropic's envelope when no account can serve.

/** An error response whose body was read: enough to classify it, and to give it back byte for byte. */
export interface ReadResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: Headers
  /** The body's first bytes (all of it when `rest` is absent). */
  readonly head: Uint8Array
  /** The head as text, for the classifier. */
  readonly text: string
  /** The unread remainder of a body longer than the classifier needs. */
  readonly rest?: ReadableStreamDefaultReader<Uint8Array>
}

const CLASSIFY_BYTES = 64 * 1024
const decoder = new TextDecoder()

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/**
 * A response for the caller with the upstream status and headers, minus those that described the encoded body:
 * fetch already decoded it, and pool-fetch may change its length. The headers are copied once, by the constructor.
 */
export function respond(
  body: RequestInit["body"] | null,
  upstream: { status: number; statusText: string; headers: Headers },
): Response {
  const response = new Response(body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: upstream.headers,
  })
  response.headers.delete("content-encoding")
  response.headers.delete("content-length")
  response.headers.delete("transfer-encoding")
  return response
}

/** Reads an error response's body up to 64 KiB (all the classifier looks at); the rest stays unread. */
export async function readErrorResponse(response: Response): Promise<ReadResponse> {
  const chunks: Uint8Array[] = []
  let length = 0
  let rest: ReadableStreamDefaultReader<Uint8Array> | undefined
  if (response.body !== null) {
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      length += value.length
      if (length >= CLASSIFY_BYTES) {
        rest = reader
        break
      }
    }
  }
  const head = concat(chunks, length)
  const read: ReadResponse = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    head,
    text: decoder.decode(head.length > CLASSIFY_BYTES ? head.subarray(0, CLASSIFY_BYTES) : head),
  }
  return rest === undefined ? read : { ...read, rest }
}

/** Frees the connection of a response that will not be returned. */
export function discard(read: ReadResponse): void {
  read.rest?.cancel().catch(() => {})
}

/** The error response as the API sent it (the body's bytes unchanged). */
export function rebuildResponse(read: ReadResponse): Response {
  const { rest, head } = read
  const body =
    rest === undefined
      ? head
      : new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(head)
          },
          async pull(controller) {
            const { done, value } = await rest.read()
            if (done) controller.close()
            else controller.enqueue(value)
          },
          cancel(reason) {
            return rest.cancel(reason)
          },
        })
  return respond(
    body instanceof Uint8Array && body.length === 0 ? null : (body as NonNullable<RequestInit["body"]>),
    read,
  )
}

/** What keyrelay's own error response says. */
export interface SyntheticError {
  status: number
  /** Anthropic's `error.type` for the status (`rate_limit_error`, `authentication_error`, …). */
  type: string
  message: string
  /** When capacity returns, epoch ms; sets `retry-after` / `retry-after-ms`. */
  retryAt?: number | null
  /** Sets `x-should-retry`. */
  shouldRetry: boolean
  now: number
}

/**
 * An error in Anthropic's envelope, `{"type":"error","error":{"type","message"},"request_id"}`, with a
 * `request-id` marked as keyrelay's (`req_keyrelay_…`) and honest `retry-after` / `retry-after-ms` /
 * `x-should-retry` headers, so the host's own retry is the only repetition.
 */
export function syntheticErrorResponse(error: SyntheticError): Response {
  const requestId = `req_keyrelay_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`
  const headers = new Headers({
    "content-type": "application/json",
    "request-id": requestId,
    "x-keyrelay-error": "no-account",
    "x-should-retry": error.shouldRetry ? "true" : "false",
  })
  if (error.retryAt !== undefined && error.retryAt !== null) {
    const ms = Math.max(0, Math.ceil(error.retryAt - error.now))
    headers.set("retry-after", String(Math.ceil(ms / 1000)))
    headers.set("retry-after-ms", String(ms))
  }
  const body = JSON.stringify({
    type: "error",
    error: { type: error.type, message: error.message },
    request_id: requestId,
  })
  return new Response(body, { status: error.status, headers })
}
