/**
 * The vector scenario's data: seeded unit vectors (a deterministic PRNG, so every run and every
 * database sees the same float32 values), the exact top-k by cosine computed in JS over those same
 * float32 values, recall@k and percentiles.
 */

/** mulberry32: a small seeded 32-bit PRNG (deterministic across runs and machines). */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal samples (Box–Muller) from a uniform source. */
const gaussian = (uniform: () => number) => {
  let spare: number | undefined
  return (): number => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    const u = 1 - uniform()
    const v = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

/** `n` vectors of `dims` float32s, row-major. */
export interface Vectors {
  readonly n: number
  readonly dims: number
  readonly data: Float32Array
}

export const row = (v: Vectors, i: number): Float32Array => v.data.subarray(i * v.dims, (i + 1) * v.dims)

/** Normalizes `out` in place (float64 norm), stored as float32. */
const normalize = (out: Float32Array, tmp: Float64Array) => {
  let s = 0
  for (let j = 0; j < tmp.length; j++) s += tmp[j]! * tmp[j]!
  const inv = 1 / Math.sqrt(s)
  for (let j = 0; j < tmp.length; j++) out[j] = tmp[j]! * inv
}

/**
 * Seeded random unit vectors: a normal vector normalized is uniform on the sphere. This is what the
 * issue asks for; it is the hardest case for approximate indexes (no structure: in 384 dimensions all
 * distances crowd around 1), real embeddings cluster and are easier.
 */
export const unitVectors = (seed: number, n: number, dims: number): Vectors => {
  const g = gaussian(prng(seed))
  const data = new Float32Array(n * dims)
  const tmp = new Float64Array(dims)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dims; j++) tmp[j] = g()
    normalize(data.subarray(i * dims, (i + 1) * dims), tmp)
  }
  return { n, dims, data }
}

/**
 * Seeded random unit vectors of low intrinsic dimension, as embeddings are: a fixed random linear
 * map of `latent`-dimensional normal vectors into `dims` dimensions, plus isotropic normal noise of
 * relative size `noise`, normalized. Uniform vectors (above) have no neighbourhood structure at all
 * (every distance crowds around 1), which no approximate index is built for.
 */
export const embeddingLike = (
  seed: number,
  mapSeed: number,
  n: number,
  dims: number,
  latent = 32,
  noise = 0.1
): Vectors => {
  const m = gaussian(prng(mapSeed))
  const map = new Float64Array(dims * latent)
  for (let j = 0; j < map.length; j++) map[j] = m() / Math.sqrt(latent)
  const g = gaussian(prng(seed))
  const data = new Float32Array(n * dims)
  const z = new Float64Array(latent)
  const tmp = new Float64Array(dims)
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < latent; l++) z[l] = g()
    for (let j = 0; j < dims; j++) {
      let s = 0
      for (let l = 0; l < latent; l++) s += map[j * latent + l]! * z[l]!
      tmp[j] = s + noise * g()
    }
    normalize(data.subarray(i * dims, (i + 1) * dims), tmp)
  }
  return { n, dims, data }
}

/** Cosine distance of two unit float32 vectors, accumulated in float64 (1 − a·b, as the norms are 1 up to float32 rounding). */
const cosineDistance = (a: Float32Array, b: Float32Array): number => {
  let dot = 0
  let na = 0
  let nb = 0
  for (let j = 0; j < a.length; j++) {
    const x = a[j]!
    const y = b[j]!
    dot += x * y
    na += x * x
    nb += y * y
  }
  return 1 - dot / Math.sqrt(na * nb)
}

/** The exact top-k ids (ids are row numbers) by cosine, ties by id, over rows `admit` allows. */
export const exactTopK = (
  v: Vectors,
  query: Float32Array,
  k: number,
  admit: (id: number) => boolean = () => true
): Array<number> => {
  const ids: Array<number> = []
  const ds: Array<number> = []
  for (let i = 0; i < v.n; i++) {
    if (!admit(i)) continue
    const d = cosineDistance(row(v, i), query)
    if (ids.length === k && d >= ds[k - 1]!) continue
    let p = ids.length === k ? k - 1 : ids.length
    while (p > 0 && ds[p - 1]! > d) {
      ds[p] = ds[p - 1]!
      ids[p] = ids[p - 1]!
      p--
    }
    ds[p] = d
    ids[p] = i
  }
  return ids
}

/** |found ∩ exact| / |exact|. */
export const recall = (found: ReadonlyArray<number>, exact: ReadonlyArray<number>): number => {
  const want = new Set(exact)
  return exact.length === 0 ? 1 : found.filter((id) => want.has(id)).length / exact.length
}

/** The p-th percentile (nearest rank) of a sample. */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

export const mean = (xs: ReadonlyArray<number>): number =>
  xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length

/** The filter column: `category = id % 10`, so `category = 3` admits 10% of the rows. */
export const categoryOf = (id: number): number => id % 10
export const filterCategory = 3

/** pgvector's text form of a float32 vector (shortest round-trip decimals, as pgvector prints). */
export const vectorText = (x: Float32Array): string => `[${Array.from(x, (f) => String(f)).join(",")}]`

/** Plain numbers for our API (the float32 values exactly, as float64). */
export const vectorArray = (x: Float32Array): Array<number> => Array.from(x)
