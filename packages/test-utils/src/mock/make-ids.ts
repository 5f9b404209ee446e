import { randomBytes } from "node:crypto"

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

function base62(length: number, random?: () => number): string {
  let out = ""
  const bytes = random ? undefined : randomBytes(length)
  for (let i = 0; i < length; i++) {
    const r = random ? Math.floor(random() * 62) : bytes![i]! % 62
    out += BASE62[r]
  }
  return out
}

/** A request id shaped like the API's (`req_011C…`, 28 characters). */
export function makeRequestId(random?: () => number): string {
  return `req_011C${base62(20, random)}`
}

/** A message id shaped like the API's (`msg_01…`). */
export function makeMessageId(random?: () => number): string {
  return `msg_01${base62(22, random)}`
}

/** A tool-use block id shaped like the API's (`toolu_01…`). */
export function makeToolUseId(random?: () => number): string {
  return `toolu_01${base62(22, random)}`
}

/** An access token minted by the mock's token endpoint; `mock` in it says it is not a real one. */
export function makeAccessToken(): string {
  return `sk-ant-oat01-mock-${randomBytes(36).toString("base64url")}`
}

/** A fake thinking signature: base64 of deterministic bytes, about as long as real ones. */
export function makeSignature(random: () => number): string {
  const bytes = Buffer.alloc(96)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256)
  return bytes.toString("base64")
}
