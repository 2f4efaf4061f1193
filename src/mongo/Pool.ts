/**
 * Pool statistics of a MongoDB layer from the driver's connection pool events (CMAP): every
 * server's pool together. `total` open connections (connectionCreated − connectionClosed), `idle`
 * those not checked out (connectionCheckedOut − connectionCheckedIn), `waiting` check-outs started
 * and not yet served (connectionCheckOutStarted − connectionCheckedOut − connectionCheckOutFailed).
 *
 * ```ts
 * const stats = watchPool(client) // before client.connect()
 * stats() // { total: 2, idle: 1, waiting: 0 }
 * ```
 *
 * @since 0.1.0
 */

/** What `watchPool` listens on: the driver's MongoClient (an event emitter). */
export interface PoolEvents {
  readonly on: (event: string, listener: () => void) => unknown
}

/** A layer's pool statistics, as `DatabaseCore.poolStats` returns them. */
export interface PoolStats {
  readonly total: number
  readonly idle: number
  readonly waiting: number
}

/** Counts the pool events of `client` from now on; returns the statistics' reader. */
export const watchPool = (client: PoolEvents): (() => PoolStats) => {
  let total = 0
  let busy = 0
  let waiting = 0
  client.on("connectionCreated", () => void total++)
  client.on("connectionClosed", () => void (total = Math.max(0, total - 1)))
  client.on("connectionCheckOutStarted", () => void waiting++)
  client.on("connectionCheckOutFailed", () => void (waiting = Math.max(0, waiting - 1)))
  client.on("connectionCheckedOut", () => {
    waiting = Math.max(0, waiting - 1)
    busy++
  })
  client.on("connectionCheckedIn", () => void (busy = Math.max(0, busy - 1)))
  return () => ({ total, idle: Math.max(0, total - busy), waiting })
}
