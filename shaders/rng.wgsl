// Philox-4x32-10, the project's counter-based generator; the TypeScript twin is src/rng/.
// Key (seed, stream), counter (env, step, block, 0). Floats use 24 random bits, so float32 here
// and float64 in TypeScript see the same values.

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

const STREAM_ENV: u32 = 0u;
const STREAM_ACTION: u32 = 1u;
const STREAM_POLICY: u32 = 2u;

// High word of the 64-bit product from 16-bit halves; the partial sums are ordered so that none
// overflows 32 bits (a_hi·b_lo + 0xffff < 2^32, a_lo·b_hi + 0xffff < 2^32).
fn mulhi32(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let t = a_hi * b_lo + ((a_lo * b_lo) >> 16u);
  let u = a_lo * b_hi + (t & 0xffffu);
  return a_hi * b_hi + (t >> 16u) + (u >> 16u);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi32(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = mulhi32(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k += vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

struct Rng {
  key: vec2<u32>,
  counter: vec4<u32>,
  block: vec4<u32>,
  used: u32,
}

fn rng_new(seed: u32, stream: u32, env: u32, step: u32) -> Rng {
  return Rng(vec2<u32>(seed, stream), vec4<u32>(env, step, 0u, 0u), vec4<u32>(), 4u);
}

fn rng_u32(rng: ptr<function, Rng>) -> u32 {
  if ((*rng).used == 4u) {
    (*rng).block = philox4x32((*rng).counter, (*rng).key);
    (*rng).counter.z += 1u;
    (*rng).used = 0u;
  }
  // A select chain, not block[used]: a dynamic vector index makes SwiftShader spill to memory.
  let b = (*rng).block;
  let used = (*rng).used;
  let value = select(select(b.w, b.z, used == 2u), select(b.y, b.x, used == 0u), used < 2u);
  (*rng).used += 1u;
  return value;
}

// A float in [0, 1).
fn rng_uniform(rng: ptr<function, Rng>) -> f32 {
  return f32(rng_u32(rng) >> 8u) * (1.0 / 16777216.0);
}

// An integer in [lo, hi).
fn rng_int(rng: ptr<function, Rng>, lo: i32, hi: i32) -> i32 {
  return lo + i32(mulhi32(rng_u32(rng), u32(hi - lo)));
}

// A value on the fixed grid (lo, hi, scale) made by fixedGrid() in src/rng/source.ts: exact in f32.
fn rng_grid(rng: ptr<function, Rng>, lo: i32, hi: i32, scale: f32) -> f32 {
  return f32(rng_int(rng, lo, hi)) * scale;
}
