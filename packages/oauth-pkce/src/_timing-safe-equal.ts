const encoder = new TextEncoder()

/**
 * Compares two strings in time that depends only on the length of `expected`, so a caller probing the
 * loopback listener learns nothing from how fast a wrong `state` is refused. Web APIs only (runs in Bun).
 */
export function _timingSafeEqual(actual: string, expected: string): boolean {
  const a = encoder.encode(actual)
  const b = encoder.encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ (b[i] as number)
  return diff === 0
}
