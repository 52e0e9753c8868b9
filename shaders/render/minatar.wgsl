// MinAtar frames (with views.wgsl): the 10×10 grid of one env's packed observation
// (src/vecenv/observation.ts: channel c's cell k = 10·row + col is bit k % 32 of word 4c + k / 32).
// Each cell takes the colour of its highest set channel, as src/render/grid-frame.ts does for the
// GIFs; palette 0 is the background, 1 the grid lines, 2 + c channel c. View sizes are multiples of 10.

override CHANNELS: u32;
const GRID: u32 = 10u;
const WORDS_PER_CHANNEL: u32 = 4u;

fn cell_is_set(agent: u32, channel: u32, k: u32) -> bool {
  let word = source[(agent * CHANNELS + channel) * WORDS_PER_CHANNEL + k / 32u];
  return ((word >> (k % 32u)) & 1u) == 1u;
}

fn shade(agent: u32, pixel: vec2u, size: u32) -> vec3f {
  let cell_size = max(size / GRID, 1u);
  let cell = min(pixel / cell_size, vec2u(GRID - 1u));
  let within = pixel - cell * cell_size;
  if (cell_size >= 4u && (within.x == cell_size - 1u || within.y == cell_size - 1u)) {
    return colour(1u);
  }
  let k = cell.y * GRID + cell.x;
  for (var c = i32(CHANNELS) - 1; c >= 0; c--) {
    if (cell_is_set(agent, u32(c), k)) {
      return colour(2u + u32(c));
    }
  }
  return colour(0u);
}
