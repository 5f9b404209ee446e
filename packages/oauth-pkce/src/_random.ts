/** Returns `length` cryptographically random bytes; injectable so tests can replay spec vectors. */
export type RandomBytes = (length: number) => Uint8Array

export const _defaultRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length))

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function _base64url(bytes: Uint8Array): string {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

/** A random URL-safe token of `bytes` random bytes (state, nonce). */
export function _randomToken(randomBytes: RandomBytes, bytes = 32): string {
  return _base64url(randomBytes(bytes))
}
