import net from "node:net"

/** Options of {@link startLoopbackBridge}. */
export interface LoopbackBridgeOptions {
  /** The unix socket every accepted connection is forwarded to. */
  socketPath: string
  /** TCP port to listen on; default 0 (any free port). */
  port?: number
  /** Address to listen on; default `127.0.0.1`. */
  host?: string
}

/** A running bridge from a loopback TCP port to a unix socket. */
export interface LoopbackBridge {
  /** The TCP port it listens on. */
  readonly port: number
  /** How many connections it has accepted so far. */
  connections(): number
  /** Stops listening and drops every open connection. */
  close(): Promise<void>
}

/**
 * Listens on a loopback TCP port and forwards each connection, byte for byte in both directions, to a unix
 * socket. Run inside a network namespace where only loopback exists, it is the one way out: unix sockets are
 * files, so they reach across network namespaces to the mock in the test process.
 */
export function startLoopbackBridge(options: LoopbackBridgeOptions): Promise<LoopbackBridge> {
  const open = new Set<net.Socket>()
  let accepted = 0
  const server = net.createServer((client) => {
    accepted += 1
    const upstream = net.connect(options.socketPath)
    open.add(client).add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on("error", drop).on("close", () => open.delete(client))
    upstream.on("error", drop).on("close", () => open.delete(upstream))
    client.pipe(upstream)
    upstream.pipe(client)
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      const address = server.address() as net.AddressInfo
      resolve({
        port: address.port,
        connections: () => accepted,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
