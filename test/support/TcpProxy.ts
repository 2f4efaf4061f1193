/**
 * A TCP proxy of the test's own in front of a database server: it forwards bytes both ways until
 * told to `cut` (reset every open connection: the client sees ECONNRESET) or to `stall` (stop
 * forwarding without closing anything: a silent server, a dead network path), and `resume`s.
 */
import net from "node:net"

/** A running proxy. */
export interface TcpProxy {
  readonly port: number
  /** Open client connections. */
  readonly open: () => number
  /** Bytes held back by a stall, client to server. */
  readonly heldUpstream: () => number
  /** Resets every open connection (new ones are accepted and forwarded as before). */
  readonly cut: () => void
  /** Stops forwarding in both directions, for open and new connections; nothing is closed. */
  readonly stall: () => void
  /**
   * Forwards `bytes` more from clients to the server (answers flow as before), then stalls: the
   * server is left inside whatever those bytes started (a COPY, a transaction's inserts).
   */
  readonly stallAfter: (bytes: number) => void
  /** Forwards again, everything held back first. */
  readonly resume: () => void
  readonly close: () => Promise<void>
}

interface Pair {
  readonly client: net.Socket
  readonly server: net.Socket
  readonly held: Array<readonly [net.Socket, Buffer]>
}

/** Starts a proxy on a free local port in front of `host:port`. */
export const startTcpProxy = (target: { readonly host: string; readonly port: number }): Promise<TcpProxy> =>
  new Promise((resolve, reject) => {
    const pairs = new Set<Pair>()
    let stalled = false
    // bytes still let through to the server before a stall (stallAfter); undefined: no limit
    let budget: number | undefined
    const forward = (pair: Pair, to: net.Socket, chunk: Buffer) => {
      if (!stalled && budget !== undefined && to === pair.server) {
        if (chunk.length >= budget) {
          const through = chunk.subarray(0, budget)
          chunk = chunk.subarray(budget)
          budget = undefined
          stalled = true
          if (!to.destroyed && through.length > 0) to.write(through)
          if (chunk.length === 0) return
        } else budget -= chunk.length
      }
      if (stalled) pair.held.push([to, chunk])
      else if (!to.destroyed) to.write(chunk)
    }
    const server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host)
      const pair: Pair = { client, server: upstream, held: [] }
      pairs.add(pair)
      const end = () => {
        pairs.delete(pair)
        client.destroy()
        upstream.destroy()
      }
      client.on("data", (chunk) => forward(pair, upstream, chunk))
      upstream.on("data", (chunk) => forward(pair, client, chunk))
      client.on("error", end)
      upstream.on("error", end)
      client.on("close", end)
      upstream.on("close", end)
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      resolve({
        port,
        open: () => pairs.size,
        heldUpstream: () => {
          let n = 0
          for (const pair of pairs) for (const [to, chunk] of pair.held) if (to === pair.server) n += chunk.length
          return n
        },
        cut: () => {
          for (const pair of [...pairs]) {
            pairs.delete(pair)
            pair.client.resetAndDestroy()
            pair.server.destroy()
          }
        },
        stall: () => void (stalled = true),
        stallAfter: (bytes) => void (budget = bytes),
        resume: () => {
          stalled = false
          budget = undefined
          for (const pair of pairs) {
            for (const [to, chunk] of pair.held.splice(0)) if (!to.destroyed) to.write(chunk)
          }
        },
        close: () =>
          new Promise<void>((done) => {
            for (const pair of pairs) (pair.client.destroy(), pair.server.destroy())
            pairs.clear()
            server.close(() => done())
          })
      })
    })
  })
