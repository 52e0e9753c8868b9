// Per-env episode bookkeeping, shared by the env driver (shaders/vecenv.wgsl) and the stats drain
// (shaders/episode_stats.wgsl). t counts the env's steps since the seed (its RNG counter); length
// and ret belong to the running episode; the sums (and sums of squares, for standard errors) cover
// episodes ended since the last drain.
// The host mirrors this layout in src/vecenv/layout.ts.
struct Episode {
  t: u32,
  length: u32,
  ret: f32,
  episodes: u32,
  return_sum: f32,
  length_sum: u32,
  invalid_actions: u32,
  return_sq_sum: f32,
  length_sq_sum: f32,
}
