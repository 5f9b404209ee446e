// Helpers shared by the package's tests: fixtures, splitting, and running bytes through a transform.
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const fixtures = fileURLToPath(new URL("../__fixtures__/", import.meta.url))

/** The recorded transcripts, by file name without `.sse`. */
export const TRANSCRIPTS: readonly string[] = readdirSync(fixtures)
  .filter((f) => f.endsWith(".sse"))
  .map((f) => f.slice(0, -4))
  .sort()

/** A fixture's bytes. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${fixtures}${name}`))
}

/** A transcript's bytes. */
export function transcript(name: string): Uint8Array {
  return fixture(`${name}.sse`)
}

export const utf8 = new TextEncoder()

/**
 * `bytes` cut at the given offsets (taken modulo its length + 1, in any order, repeats ignored), as views of
 * it: the chunks start at every possible alignment, as network chunks do.
 */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const p of points) {
    chunks.push(bytes.subarray(from, p))
    from = p
  }
  chunks.push(bytes.subarray(from))
  return chunks
}

/** `bytes` in chunks of `size`. */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size))
  return chunks
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A stream that yields `chunks`, then closes. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  })
}

/** Everything `readable` yields, joined. */
export async function collect(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const reader = readable.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concat(parts)
    parts.push(value)
  }
}

/** Pipes `chunks` through `transform` and returns what came out. */
export function run(
  transform: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
  chunks: readonly Uint8Array[],
): Promise<Uint8Array> {
  return collect(streamOf(chunks).pipeThrough(transform))
}

/** A clock for `now` that advances by `step` ms on every reading. */
export function steppingClock(start = 1_000, step = 10): () => number {
  let t = start - step
  return () => {
    t += step
    return t
  }
}

/**
 * Whether two byte arrays are equal, as a message that names the first difference (or "equal"). Cheaper
 * than a deep `toEqual` on megabytes: `expect(sameBytes(a, b)).toBe("equal")`.
 */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  const n = Math.min(actual.length, expected.length)
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i])
      return `first difference at byte ${i}: ${actual[i]} instead of ${expected[i]}`
  }
  return actual.length === expected.length ? "equal" : `length ${actual.length} instead of ${expected.length}`
}

/** Detaches the buffer under `bytes`, as a reader that transfers what it receives would. */
export function detach(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer
  structuredClone(buffer, { transfer: [buffer] })
}

/** Waits until `read()` returns `expected` (compared with Object.is), for at most `ms`. */
export async function eventually<T>(read: () => T, expected: T, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!Object.is(read(), expected)) {
    if (Date.now() > deadline)
      throw new Error(`still ${String(read())} after ${ms} ms, expected ${String(expected)}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Reads `readable` to the end like a reader that transfers every chunk it receives (which detaches the chunk's
 * buffer), and returns copies of what it read, joined.
 */
export async function collectDetaching(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = readable.getReader()
  const received: Uint8Array[] = []
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concat(received)
    received.push(value.slice())
    detach(value)
  }
}

/** What `fn` throws (undefined when it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}
