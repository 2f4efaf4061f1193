import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { DataFlow } from "../../src/index.js"
import { shortestFloat32 } from "../../src/model/Vector.js"

const thrown = (f: () => unknown): { path?: string; reason?: string } => {
  try {
    f()
  } catch (e) {
    return e as { path?: string; reason?: string }
  }
  throw new Error("did not throw")
}

describe("vector fields and search declarations", () => {
  it("DataFlow.vector(n) is a field of kind vector with n dimensions; n outside 1..16000 is refused", () => {
    const Doc = DataFlow.model("Doc", { id: Schema.String, e: DataFlow.vector(4) })
    const field = Doc.info.columnMap.get("e")!
    expect([field.kind, field.dimensions]).toEqual(["vector", 4])
    for (const n of [0, -1, 1.5, 16001]) expect(thrown(() => DataFlow.vector(n)).path).toBe("vector.dimensions")
    // a plain array of numbers stays JSON
    const Plain = DataFlow.model("Plain", { id: Schema.String, e: Schema.Array(Schema.Number) })
    expect(Plain.info.columnMap.get("e")!.kind).toBe("json")
  })

  it("the Schema refuses a wrong length, NaN, Infinity and numbers beyond float32", () => {
    const decode = Schema.decodeUnknownEither(DataFlow.vector(2))
    expect(decode([1, 2])._tag).toBe("Right")
    for (const bad of [[1], [1, 2, 3], [1, Number.NaN], [-Infinity, 0], [0, 3.5e38], "12"]) {
      expect(decode(bad)._tag).toBe("Left")
    }
  })

  it("shortestFloat32: the shortest decimal that is the same 32-bit float", () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1)
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334)
    expect(shortestFloat32(Math.fround(16777217))).toBe(16777216)
    expect(shortestFloat32(Math.fround(3.4e38))).toBe(3.4e38)
    for (let i = 0; i < 1000; i++) {
      const f = Math.fround((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 20 - 10))
      expect(Math.fround(shortestFloat32(f))).toBe(f)
    }
  })

  it("vectorIndexes and textSearch are checked when the model is defined", () => {
    const fields = { id: Schema.String, title: Schema.String, n: Schema.Int, e: DataFlow.vector(3) }
    const bad = (options: object) => thrown(() => DataFlow.model("Bad", fields, options as never))
    expect(bad({ vectorIndexes: [{ field: "title", method: "hnsw", distance: "cosine" }] }).path).toBe(
      "vectorIndexes.0"
    )
    expect(bad({ vectorIndexes: [{ field: "e", method: "btree", distance: "cosine" }] }).path).toBe(
      "vectorIndexes.0.method"
    )
    expect(bad({ vectorIndexes: [{ field: "e", method: "hnsw", distance: "dot" }] }).path).toBe(
      "vectorIndexes.0.distance"
    )
    expect(bad({ vectorIndexes: [{ field: "e", method: "hnsw", distance: "l2", lists: 10 }] }).path).toBe(
      "vectorIndexes.0.lists"
    )
    expect(
      bad({ vectorIndexes: [{ field: "e", method: "hnsw", distance: "l2", m: 32, efConstruction: 40 }] }).path
    ).toBe("vectorIndexes.0.efConstruction")
    expect(bad({ textSearch: { fields: ["n"] } }).path).toBe("textSearch.fields")
    expect(bad({ textSearch: { fields: [] } }).path).toBe("textSearch.fields")
    expect(bad({ textSearch: { fields: ["title"], language: "german" } }).path).toBe("textSearch.language")
    expect(bad({ unique: [["e"]] }).path).toBe("unique")
    expect(bad({ indexes: [["e"]] }).reason).toContain("vectorIndexes")
    const ok = DataFlow.model("Ok", fields, {
      vectorIndexes: [
        { field: "e", method: "hnsw", distance: "cosine" },
        { field: "e", method: "ivfflat", distance: "l2", lists: 50 }
      ],
      textSearch: { fields: ["title"] }
    })
    expect(ok.info.vectorIndexes.map((i) => [i.name, i.method, i.distance, i.m, i.efConstruction, i.lists])).toEqual([
      ["oks_e_hnsw_idx", "hnsw", "cosine", 16, 64, 100],
      ["oks_e_ivfflat_idx", "ivfflat", "l2", 16, 64, 50]
    ])
    expect([ok.info.textSearch!.name, ok.info.textSearch!.language]).toEqual(["oks_fts_idx", "english"])
  })
})
