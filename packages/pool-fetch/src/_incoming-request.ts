import { POOL_FETCH_ERROR_CODES, PoolFetchError } from "./pool-fetch-error.ts"

/** The host's request in a shape that can be sent more than once (failover re-sends the same body). */
export interface IncomingRequest {
  url: string
  /**
   * The init to send, headers as given and the body replayable (`body`); it may still hold the host's signal, which
   * each attempt replaces with its own. The host's own object when it needed no change (never modified).
   */
  init: RequestInit
  /** A string or bytes, sent as they came; `undefined` without a body. */
  body: string | Uint8Array | undefined
  signal: AbortSignal | undefined
}

function isRequest(value: unknown): value is Request {
  return typeof Request !== "undefined" && value instanceof Request
}

async function replayable(body: unknown): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === "string") return body
  if (body instanceof Uint8Array) return body
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  // Streams, blobs, form data, search params: read once into bytes, so the request can be sent again.
  try {
    return new Uint8Array(await new Response(body as NonNullable<RequestInit["body"]>).arrayBuffer())
  } catch (error) {
    throw new PoolFetchError(
      POOL_FETCH_ERROR_CODES.BODY_UNREADABLE,
      "The request body could not be read; pass a string, bytes or a stream that has not been read yet.",
      { cause: error },
    )
  }
}

/**
 * The host's `fetch(input, init)` as one replayable request: a `Request`'s URL, method, headers, body and signal
 * are taken unless `init` overrides them, and a body that is not a string or bytes is read into bytes once.
 */
export function readIncomingRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): IncomingRequest | Promise<IncomingRequest> {
  const body = init?.body
  if (
    !isRequest(input) &&
    (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array)
  ) {
    // The common case (a host's JSON body as a string): no await, so no extra turn of the event loop, and no copy.
    return {
      url: typeof input === "string" ? input : input.href,
      init: init ?? {},
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
    }
  }
  return readAnyRequest(input, init)
}

async function readAnyRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<IncomingRequest> {
  let url: string
  let base: RequestInit = {}
  let body: unknown = init?.body
  let signal = init?.signal ?? undefined
  if (isRequest(input)) {
    url = input.url
    base = { method: input.method, headers: input.headers }
    signal ??= input.signal
    if (init?.body === undefined && input.body !== null) body = await input.arrayBuffer()
  } else {
    url = typeof input === "string" ? input : input.href
  }
  const { body: _body, signal: _signal, ...rest } = init ?? {}
  const replay = await replayable(body)
  return {
    url,
    init: replay === undefined ? { ...base, ...rest } : { ...base, ...rest, body: replay },
    body: replay,
    signal,
  }
}
