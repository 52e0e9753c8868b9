// The replay random source: in place of shaders/rng.wgsl (same functions), it serves each env the
// draws recorded from the original game, in order, and records the first request that does not
// match. Only conformance pipelines include it, so the production kernels pay nothing for it.
//
// replay_buf layout (u32 words), written and read by src/vecenv/replay.ts:
//   per env i, an 8-word header at i * 8: first draw's word index, draw count, cursor (draws
//   served), error code (REPLAY_*), and for an error the requested kind, lo and hi;
//   then the draws, 4 words each: kind (0 uniform, 1 int), value (f32 or i32 bits), lo, hi.

const STREAM_ENV: u32 = 0u;
const STREAM_ACTION: u32 = 1u;
const STREAM_POLICY: u32 = 2u;

const REPLAY_OK: u32 = 0u;
const REPLAY_WRONG_KIND: u32 = 1u;
const REPLAY_WRONG_BOUNDS: u32 = 2u;
const REPLAY_EXHAUSTED: u32 = 3u;
const DRAW_UNIFORM: u32 = 0u;
const DRAW_INT: u32 = 1u;
const REPLAY_HEADER_WORDS: u32 = 8u;

@group(0) @binding(8) var<storage, read_write> replay_buf: array<u32>;

struct Rng {
  env: u32,
}

fn rng_new(seed: u32, stream: u32, env: u32, step: u32) -> Rng {
  return Rng(env);
}

// The value bits of the next recorded draw, if it is of the requested kind and bounds.
fn replay_next(rng: ptr<function, Rng>, kind: u32, lo: i32, hi: i32) -> u32 {
  let header = (*rng).env * REPLAY_HEADER_WORDS;
  if (replay_buf[header + 3u] != REPLAY_OK) {
    return 0u;
  }
  let cursor = replay_buf[header + 2u];
  var error = REPLAY_OK;
  var value = 0u;
  if (cursor >= replay_buf[header + 1u]) {
    error = REPLAY_EXHAUSTED;
  } else {
    let draw = replay_buf[header] + cursor * 4u;
    value = replay_buf[draw + 1u];
    if (replay_buf[draw] != kind) {
      error = REPLAY_WRONG_KIND;
    } else if (kind == DRAW_INT && (bitcast<i32>(replay_buf[draw + 2u]) != lo || bitcast<i32>(replay_buf[draw + 3u]) != hi)) {
      error = REPLAY_WRONG_BOUNDS;
    }
  }
  if (error != REPLAY_OK) {
    replay_buf[header + 3u] = error;
    replay_buf[header + 4u] = kind;
    replay_buf[header + 5u] = bitcast<u32>(lo);
    replay_buf[header + 6u] = bitcast<u32>(hi);
    return 0u;
  }
  replay_buf[header + 2u] = cursor + 1u;
  return value;
}

fn rng_uniform(rng: ptr<function, Rng>) -> f32 {
  return bitcast<f32>(replay_next(rng, DRAW_UNIFORM, 0, 0));
}

fn rng_int(rng: ptr<function, Rng>, lo: i32, hi: i32) -> i32 {
  return bitcast<i32>(replay_next(rng, DRAW_INT, lo, hi));
}

fn rng_grid(rng: ptr<function, Rng>, lo: i32, hi: i32, scale: f32) -> f32 {
  return f32(rng_int(rng, lo, hi)) * scale;
}
