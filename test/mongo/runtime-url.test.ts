import { Duration } from "effect"
import { describe, expect, it } from "vitest"
import { ValidationError } from "../../src/Errors.js"
import { canTransact } from "../../src/mongo/Client.js"
import { clientOptions, maxTimeOf, parseMongoUrl } from "../../src/mongo/Url.js"

const refusal = (f: () => unknown): ValidationError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return e as ValidationError
  }
  throw new Error("not refused")
}

describe("MongoDB URLs", () => {
  it("reads the database, the hosts and SRV", () => {
    expect(parseMongoUrl("mongodb://127.0.0.1:27017/app?replicaSet=rs0")).toEqual({
      srv: false,
      hosts: 1,
      database: "app"
    })
    expect(parseMongoUrl("mongodb://u:p%40ss@h1:1,h2:2,h3/my%2Ddb")).toEqual({
      srv: false,
      hosts: 3,
      database: "my-db"
    })
    expect(parseMongoUrl("MONGODB+SRV://user:pw@cluster0.example.net/prod?tls=true")).toEqual({
      srv: true,
      hosts: 1,
      database: "prod"
    })
  })

  it("refuses URLs naming no database, no host, a bad SRV host list, bad encodings — never quoting them", () => {
    const cases: Array<[string, string]> = [
      ["mongodb://admin:s3cretPW@h:27017", "names no database"],
      ["mongodb://admin:s3cretPW@h:27017/?tls=true", "names no database"],
      ["mongodb://admin:s3cretPW@/app", "names no host"],
      ["mongodb://h1,,h2/app", "names no host"],
      ["mongodb+srv://admin:s3cretPW@a.example.net,b.example.net/app", "exactly one host"],
      ["mongodb+srv://admin:s3cretPW@a.example.net:27017/app", "exactly one host"],
      ["mongodb://admin:s3cret%ZZ@h/app", "malformed percent-encoding in the credentials"],
      ["mongodb://h/a%ZZ", "malformed percent-encoding in the database name"],
      ["mongodb://admin:s3cretPW@h/my.db", "not one MongoDB accepts"],
      ["postgres://admin:s3cretPW@h/app", "not a mongodb:// or mongodb+srv:// URL"]
    ]
    for (const [url, reason] of cases) {
      const e = refusal(() => parseMongoUrl(url))
      expect(e.path).toBe("url")
      expect(e.reason).toContain(reason)
      expect(e.message).not.toContain("s3cret")
      expect(e.reason).not.toContain("s3cret")
    }
  })

  it("builds the driver's client options from the layer's", () => {
    expect(clientOptions({})).toEqual({
      maxPoolSize: 10,
      connectTimeoutMS: 10_000,
      serverSelectionTimeoutMS: 10_000,
      maxIdleTimeMS: 60_000
    })
    expect(clientOptions({ poolSize: 3, connectTimeout: "1500 millis", idleTimeout: Duration.seconds(5) })).toEqual({
      maxPoolSize: 3,
      connectTimeoutMS: 1500,
      serverSelectionTimeoutMS: 1500,
      maxIdleTimeMS: 5000
    })
    expect(refusal(() => clientOptions({ poolSize: 0 })).path).toBe("poolSize")
    expect(refusal(() => clientOptions({ poolSize: 2.5 })).path).toBe("poolSize")
    expect(refusal(() => clientOptions({ idleTimeout: Duration.infinity })).path).toBe("idleTimeout")
  })

  it("maps statementTimeout to maxTimeMS", () => {
    expect(maxTimeOf(undefined)).toBeUndefined()
    expect(maxTimeOf("2 seconds")).toBe(2000)
  })

  it("knows a replica set member or mongos from hello", () => {
    expect(canTransact({ isWritablePrimary: true, setName: "rs0" })).toBe(true)
    expect(canTransact({ isWritablePrimary: true, msg: "isdbgrid" })).toBe(true)
    expect(canTransact({ isWritablePrimary: true })).toBe(false)
  })
})
