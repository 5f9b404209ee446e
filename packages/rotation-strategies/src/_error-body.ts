/** What an Anthropic error envelope says, read defensively from whatever body the caller has. */
export interface ErrorBody {
  /** `error.type`, e.g. `rate_limit_error`; open-ended (reference §2: the set may grow). */
  readonly type?: string
  /** `error.message`, cut to {@link MAX_MESSAGE} characters. */
  readonly message?: string
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached`. */
  readonly code?: string
  /** `request_id` of the envelope. */
  readonly requestId?: string
  /** The body as text (cut to {@link MAX_TEXT}), for matching known wording when JSON parsing failed. */
  readonly text: string
}

const MAX_TEXT = 64 * 1024
const MAX_MESSAGE = 1000
const EMPTY: ErrorBody = { text: "" }

let decoder: InstanceType<typeof TextDecoder> | undefined

/**
 * Reads an error envelope from a body that may be a string (possibly truncated or not JSON), parsed JSON,
 * bytes, or nothing. Never throws.
 */
export function readErrorBody(body: unknown): ErrorBody {
  try {
    if (body === undefined || body === null) return EMPTY
    if (typeof body === "string") return fromText(body)
    if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
      decoder ??= new TextDecoder("utf-8", { fatal: false })
      const bytes = body instanceof Uint8Array ? body : new Uint8Array(body)
      return fromText(decoder.decode(bytes.subarray(0, MAX_TEXT)))
    }
    if (typeof body === "object") return fromJson(body, "")
    return EMPTY
  } catch {
    return EMPTY
  }
}

function fromText(raw: string): ErrorBody {
  const text = raw.length > MAX_TEXT ? raw.slice(0, MAX_TEXT) : raw
  const trimmed = text.trimStart()
  if (trimmed.startsWith("{")) {
    try {
      return fromJson(JSON.parse(trimmed), text)
    } catch {
      // Truncated or malformed JSON: fall through to reading the fields we care about by pattern.
    }
  }
  return {
    text,
    ...optional("type", /"error"\s*:\s*\{\s*"type"\s*:\s*"([^"\\]{1,100})"/.exec(text)?.[1]),
    ...optional("message", /"message"\s*:\s*"((?:[^"\\]|\\.){1,1000})/.exec(text)?.[1]),
    ...optional("code", /"error_code"\s*:\s*"([^"\\]{1,100})"/.exec(text)?.[1]),
    ...optional("requestId", /"request_id"\s*:\s*"([^"\\]{1,200})"/.exec(text)?.[1]),
  }
}

function fromJson(json: unknown, text: string): ErrorBody {
  if (typeof json !== "object" || json === null) return { text }
  const root = json as Record<string, unknown>
  const error = isRecord(root.error) ? root.error : undefined
  const details = error && isRecord(error.details) ? error.details : undefined
  const message = str(error?.message)
  return {
    text,
    ...optional("type", str(error?.type)),
    ...optional("message", message && message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message),
    ...optional("code", str(details?.error_code)),
    ...optional("requestId", str(root.request_id)),
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string }
}

/** Whether the envelope (parsed or raw) contains `pattern`. */
export function bodySays(body: ErrorBody, pattern: RegExp): boolean {
  return (body.message !== undefined && pattern.test(body.message)) || pattern.test(body.text)
}
