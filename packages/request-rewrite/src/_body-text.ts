const decoder = new TextDecoder("utf-8", { fatal: true })

/** A request body as text: a string as it is, bytes decoded as UTF-8; `undefined` for anything else or bad UTF-8. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === "string") return body
  let bytes: Uint8Array
  if (ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  else if (Object.prototype.toString.call(body) === "[object ArrayBuffer]")
    bytes = new Uint8Array(body as ArrayBuffer)
  else return undefined
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}
