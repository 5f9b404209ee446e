import dns from "node:dns"
import net from "node:net"

/** One attempt, by code under test, to reach an address other than loopback. */
export interface NonLoopbackAttempt {
  host: string
  port: number | undefined
  via: "connect" | "dns"
  stack: string | undefined
}

const attempts: NonLoopbackAttempt[] = []
let uninstall: (() => void) | undefined

const LOOPBACK_NAMES = new Set(["localhost", "localhost.", "ip6-localhost"])

/** Whether a host name or address is the loopback interface (127.0.0.0/8, ::1, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase()
  if (LOOPBACK_NAMES.has(h)) return true
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h
  return net.isIPv4(v4) && v4.startsWith("127.")
}

function connectTarget(args: unknown[]): { host: string; port: number | undefined } | undefined {
  let [first, second] = args
  if (Array.isArray(first)) first = first[0] // internal normalized-args form
  if (typeof first === "object" && first !== null) {
    const o = first as { path?: unknown; host?: unknown; port?: unknown }
    if (typeof o.path === "string") return undefined // unix socket
    return {
      host: typeof o.host === "string" ? o.host : "localhost",
      port: o.port === undefined ? undefined : Number(o.port),
    }
  }
  if (typeof first === "string" && Number.isNaN(Number(first))) return undefined // unix socket path
  return { host: typeof second === "string" ? second : "localhost", port: Number(first) }
}

function violation(host: string, port: number | undefined, via: NonLoopbackAttempt["via"]): Error {
  attempts.push({ host, port, via, stack: new Error().stack })
  const err = new Error(
    `loopback guard: a test tried to reach ${host}${port === undefined ? "" : `:${port}`}; tests may only reach 127.0.0.1. ` +
      "Point the code under test at the mock Anthropic API (startMockAnthropic) instead.",
  ) as Error & { code: string }
  err.code = "ERR_KEYRELAY_NON_LOOPBACK"
  return err
}

/**
 * Makes every TCP connection and DNS lookup to anything but loopback fail in this process, and
 * records the attempt so a test can fail even when the code under test swallows the error.
 * Returns a function that restores the original behaviour.
 */
export function installLoopbackGuard(): () => void {
  if (uninstall) return uninstall
  const originalConnect = net.Socket.prototype.connect
  const originalLookup = dns.lookup
  const originalPromisesLookup = dns.promises.lookup

  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args)
    if (target && !isLoopbackHost(target.host)) {
      const err = violation(target.host, target.port, "connect")
      process.nextTick(() => this.destroy(err))
      return this
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof net.Socket.prototype.connect

  const guardedLookup = (hostname: string, ...rest: unknown[]) => {
    if (!isLoopbackHost(hostname) && !net.isIP(hostname)) {
      const callback = rest.at(-1)
      const err = violation(hostname, undefined, "dns")
      if (typeof callback === "function") process.nextTick(() => callback(err))
      return {}
    }
    return (originalLookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest)
  }
  dns.lookup = guardedLookup as typeof dns.lookup
  dns.promises.lookup = (async (hostname: string, options?: unknown) => {
    if (!isLoopbackHost(hostname) && !net.isIP(hostname)) throw violation(hostname, undefined, "dns")
    return (originalPromisesLookup as (h: string, o?: unknown) => Promise<unknown>)(hostname, options)
  }) as typeof dns.promises.lookup

  uninstall = () => {
    net.Socket.prototype.connect = originalConnect
    dns.lookup = originalLookup
    dns.promises.lookup = originalPromisesLookup
    uninstall = undefined
  }
  return uninstall
}

/** Returns and forgets the non-loopback attempts recorded since the last call. */
export function takeNonLoopbackAttempts(): NonLoopbackAttempt[] {
  return attempts.splice(0, attempts.length)
}
