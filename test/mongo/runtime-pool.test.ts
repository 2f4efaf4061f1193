import { EventEmitter } from "node:events"
import { describe, expect, it } from "vitest"
import { watchPool } from "../../src/mongo/Pool.js"

describe("MongoDB pool statistics from the driver's CMAP events", () => {
  it("counts open, idle and waiting connections", () => {
    const client = new EventEmitter()
    const stats = watchPool(client)
    expect(stats()).toEqual({ total: 0, idle: 0, waiting: 0 })
    for (const e of ["connectionCheckOutStarted", "connectionCheckOutStarted", "connectionCreated"]) client.emit(e)
    expect(stats()).toEqual({ total: 1, idle: 1, waiting: 2 })
    client.emit("connectionCheckedOut")
    expect(stats()).toEqual({ total: 1, idle: 0, waiting: 1 })
    client.emit("connectionCheckOutFailed")
    expect(stats()).toEqual({ total: 1, idle: 0, waiting: 0 })
    client.emit("connectionCheckedIn")
    client.emit("connectionCreated")
    expect(stats()).toEqual({ total: 2, idle: 2, waiting: 0 })
    client.emit("connectionClosed")
    expect(stats()).toEqual({ total: 1, idle: 1, waiting: 0 })
  })
})
