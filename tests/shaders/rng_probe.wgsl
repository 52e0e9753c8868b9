// Test kernel: each invocation writes DRAWS_PER_ENV values per kind of draw, for comparison with
// src/rng/ in tests/rng.test.ts.

const DRAWS: u32 = 16u;

@group(0) @binding(0) var<storage, read_write> raw_out: array<u32>;
@group(0) @binding(1) var<storage, read_write> uniform_out: array<f32>;
@group(0) @binding(2) var<storage, read_write> int_out: array<i32>;
@group(0) @binding(3) var<storage, read_write> grid_out: array<f32>;

override SEED: u32;
override GRID_LO: i32;
override GRID_HI: i32;
override GRID_SCALE: f32;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let env = id.x;
  let step = env % 7u;
  var raw = rng_new(SEED, STREAM_ENV, env, step);
  var uni = rng_new(SEED, STREAM_ACTION, env, step);
  var ints = rng_new(SEED, STREAM_POLICY, env, step);
  var grid = rng_new(SEED ^ 1u, STREAM_ENV, env, step);
  for (var k = 0u; k < DRAWS; k++) {
    let o = env * DRAWS + k;
    raw_out[o] = rng_u32(&raw);
    uniform_out[o] = rng_uniform(&uni);
    // Bounds vary with k: small, negative and wide ranges.
    int_out[o] = rng_int(&ints, -i32(k) * 1000, 1 + i32(k * k * k * 37u));
    grid_out[o] = rng_grid(&grid, GRID_LO, GRID_HI, GRID_SCALE);
  }
}
