// minatar/space_invaders: MinAtar Space Invaders for shaders/vecenv.wgsl. Rules:
// shared/specs/minatar/space_invaders.md; the TypeScript reference is spec.ts beside this file, and
// the constants come from its params as overrides.
//
// The three 10×10 boolean grids (aliens, cannon bullets, alien bullets) are kept the way the
// observation packs a channel (src/vecenv/observation.ts): 100 bits in a vec4<u32>, cell (row, col)
// at bit k = row · 10 + col. Moving everything one row is then a 10-bit shift, one column a 1-bit
// shift, hits an AND, and observing costs nothing. The state buffer keeps spec.ts's encodeState
// order, one word per grid row, so env_load/env_store convert.

override STICKY_ACTION_PROB: f32;
override DIFFICULTY_RAMPING: bool;
override SHOT_COOLDOWN: i32;
override MOVE_INTERVAL_START: i32;
override MIN_MOVE_INTERVAL: i32;
override ALIEN_SHOT_INTERVAL: i32;

const CHANNELS: u32 = 6u;
const OBS_WORDS: u32 = CHANNELS * 4u;
const STATE_WORDS: u32 = 39u;
alias ObsWord = u32;
alias Action = u32;

const NUM_ACTIONS: u32 = 6u;
const ACTION_LEFT: u32 = 1u;
const ACTION_RIGHT: u32 = 3u;
const ACTION_FIRE: u32 = 5u;

const GRID_SIZE: i32 = 10;
const BOTTOM_ROW: i32 = 9;
const LAST_COL: i32 = 9;
const CANNON_START: i32 = 5;
const LEFT: i32 = -1;
const RIGHT: i32 = 1;

// A grid as packed bits; bits 100–127 stay 0.
alias Grid = vec4<u32>;
const ROW_BITS: u32 = 10u;
const ROW_MASK: u32 = 0x3ffu;
const GRID_CELLS = Grid(0xffffffffu, 0xffffffffu, 0xffffffffu, 0x0000000fu);
const FIRST_COLUMN = Grid(0x40100401u, 0x10040100u, 0x04010040u, 0x00000000u);
const LAST_COLUMN = Grid(0x20080200u, 0x08020080u, 0x02008020u, 0x00000008u);
// A new wave: rows 0–3 × columns 2–7.
const NEW_WAVE = Grid(0x0fc3f0fcu, 0x0000003fu, 0x00000000u, 0x00000000u);

// State word offsets (spec.ts: spaceInvadersStateLayout).
const WORD_CANNON_X: u32 = 0u;
const WORD_ALIEN_ROWS: u32 = 1u;
const WORD_ALIEN_DIR: u32 = 11u;
const WORD_MOVE_INTERVAL: u32 = 12u;
const WORD_MOVE_TIMER: u32 = 13u;
const WORD_ALIEN_SHOT_TIMER: u32 = 14u;
const WORD_SHOT_TIMER: u32 = 15u;
const WORD_FRIENDLY_BULLET_ROWS: u32 = 16u;
const WORD_ENEMY_BULLET_ROWS: u32 = 26u;
const WORD_RAMP_INDEX: u32 = 36u;
const WORD_TERMINAL: u32 = 37u;
const WORD_LAST_ACTION: u32 = 38u;

struct EnvState {
  cannon_x: i32,
  aliens: Grid,
  alien_dir: i32,
  move_interval: i32,
  // Steps until the aliens move.
  move_timer: i32,
  // Steps until an alien shoots.
  alien_shot_timer: i32,
  // Cannon cool-down.
  shot_timer: i32,
  friendly_bullets: Grid,
  enemy_bullets: Grid,
  ramp_index: i32,
  terminal: bool,
  last_action: u32,
}

// Cells k to k + n (n < 32): toward higher rows and columns; cells past (9, 9) are dropped.
fn grid_shift_forward(g: Grid, n: u32) -> Grid {
  return ((g << Grid(n)) | (Grid(0u, g.x, g.y, g.z) >> Grid(32u - n))) & GRID_CELLS;
}

// Cells k to k − n (n < 32): toward lower rows and columns; cells before (0, 0) are dropped.
fn grid_shift_back(g: Grid, n: u32) -> Grid {
  return (g >> Grid(n)) | (Grid(g.y, g.z, g.w, 0u) << Grid(32u - n));
}

fn grid_has(g: Grid, row: i32, col: i32) -> bool {
  let k = u32(row * GRID_SIZE + col);
  return ((g[k >> 5u] >> (k & 31u)) & 1u) != 0u;
}

fn grid_cell(row: i32, col: i32) -> Grid {
  let k = u32(row * GRID_SIZE + col);
  return select(Grid(0u), Grid(1u << (k & 31u)), Grid(k >> 5u) == Grid(0u, 1u, 2u, 3u));
}

fn grid_count(g: Grid) -> i32 {
  return i32(dot(countOneBits(g), Grid(1u)));
}

fn grid_is_empty(g: Grid) -> bool {
  return all(g == Grid(0u));
}

// One word per row (bit col set for a set cell), as the state buffer keeps a grid, and back.
// Rows 3, 6 and 9 straddle two words.
fn grid_from_rows(r: array<u32, 10>) -> Grid {
  return Grid(r[0] | (r[1] << 10u) | (r[2] << 20u) | (r[3] << 30u),
              (r[3] >> 2u) | (r[4] << 8u) | (r[5] << 18u) | (r[6] << 28u),
              (r[6] >> 4u) | (r[7] << 6u) | (r[8] << 16u) | (r[9] << 26u),
              r[9] >> 6u);
}

fn grid_rows(g: Grid) -> array<u32, 10> {
  return array<u32, 10>(g.x & ROW_MASK, (g.x >> 10u) & ROW_MASK, (g.x >> 20u) & ROW_MASK, ((g.x >> 30u) | (g.y << 2u)) & ROW_MASK,
                        (g.y >> 8u) & ROW_MASK, (g.y >> 18u) & ROW_MASK, ((g.y >> 28u) | (g.z << 4u)) & ROW_MASK,
                        (g.z >> 6u) & ROW_MASK, (g.z >> 16u) & ROW_MASK, ((g.z >> 26u) | (g.w << 6u)) & ROW_MASK);
}

fn load_grid(first: u32) -> Grid {
  return grid_from_rows(array<u32, 10>(state_buf[first], state_buf[first + 1u], state_buf[first + 2u], state_buf[first + 3u],
                                       state_buf[first + 4u], state_buf[first + 5u], state_buf[first + 6u],
                                       state_buf[first + 7u], state_buf[first + 8u], state_buf[first + 9u]));
}

fn store_grid(first: u32, g: Grid) {
  let rows = grid_rows(g);
  for (var row = 0u; row < 10u; row++) {
    state_buf[first + row] = rows[row];
  }
}

fn load_i32(i: u32, word: u32) -> i32 {
  return bitcast<i32>(state_buf[i * STATE_WORDS + word]);
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  return EnvState(
    load_i32(i, WORD_CANNON_X),
    load_grid(b + WORD_ALIEN_ROWS),
    load_i32(i, WORD_ALIEN_DIR),
    load_i32(i, WORD_MOVE_INTERVAL),
    load_i32(i, WORD_MOVE_TIMER),
    load_i32(i, WORD_ALIEN_SHOT_TIMER),
    load_i32(i, WORD_SHOT_TIMER),
    load_grid(b + WORD_FRIENDLY_BULLET_ROWS),
    load_grid(b + WORD_ENEMY_BULLET_ROWS),
    load_i32(i, WORD_RAMP_INDEX),
    state_buf[b + WORD_TERMINAL] != 0u,
    state_buf[b + WORD_LAST_ACTION],
  );
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b + WORD_CANNON_X] = bitcast<u32>(s.cannon_x);
  store_grid(b + WORD_ALIEN_ROWS, s.aliens);
  state_buf[b + WORD_ALIEN_DIR] = bitcast<u32>(s.alien_dir);
  state_buf[b + WORD_MOVE_INTERVAL] = bitcast<u32>(s.move_interval);
  state_buf[b + WORD_MOVE_TIMER] = bitcast<u32>(s.move_timer);
  state_buf[b + WORD_ALIEN_SHOT_TIMER] = bitcast<u32>(s.alien_shot_timer);
  state_buf[b + WORD_SHOT_TIMER] = bitcast<u32>(s.shot_timer);
  store_grid(b + WORD_FRIENDLY_BULLET_ROWS, s.friendly_bullets);
  store_grid(b + WORD_ENEMY_BULLET_ROWS, s.enemy_bullets);
  state_buf[b + WORD_RAMP_INDEX] = bitcast<u32>(s.ramp_index);
  state_buf[b + WORD_TERMINAL] = select(0u, 1u, s.terminal);
  state_buf[b + WORD_LAST_ACTION] = s.last_action;
}

// No draws: the game has no randomness besides the sticky action.
fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  return EnvState(CANNON_START, NEW_WAVE, LEFT, MOVE_INTERVAL_START, MOVE_INTERVAL_START, ALIEN_SHOT_INTERVAL, 0,
                  Grid(0u), Grid(0u), 0, false, 0u);
}

// The aliens march one column, or, at the edge they are heading to, turn and step down one row.
fn move_aliens(s: ptr<function, EnvState>) {
  let edge = select(LAST_COLUMN, FIRST_COLUMN, (*s).alien_dir == LEFT);
  if (!grid_is_empty((*s).aliens & edge)) {
    (*s).alien_dir = -(*s).alien_dir;
    let bottom = grid_rows((*s).aliens)[BOTTOM_ROW];
    if (bottom != 0u) {
      (*s).terminal = true;
    }
    // The step down wraps: aliens on the bottom row reappear on row 0.
    (*s).aliens = grid_shift_forward((*s).aliens, ROW_BITS) | Grid(bottom, 0u, 0u, 0u);
  } else if ((*s).alien_dir == LEFT) {
    // The column the aliens leave is empty (not at the edge), so nothing wraps to another row.
    (*s).aliens = grid_shift_back((*s).aliens, 1u);
  } else {
    (*s).aliens = grid_shift_forward((*s).aliens, 1u);
  }
  if (grid_has((*s).aliens, BOTTOM_ROW, (*s).cannon_x)) {
    (*s).terminal = true;
  }
}

fn has_column(columns: u32, col: i32) -> bool {
  return col >= 0 && col <= LAST_COL && ((columns >> u32(col)) & 1u) != 0u;
}

// The alien nearest the cannon's column (the lower column on a tie) that is lowest in its column shoots.
fn alien_shoots(s: ptr<function, EnvState>) {
  let g = (*s).aliens;
  let rows = grid_rows(g);
  var occupied = 0u;
  for (var row = 0; row < GRID_SIZE; row++) {
    occupied |= rows[row];
  }
  let x = (*s).cannon_x;
  var col = -1;
  for (var distance = 0; distance < GRID_SIZE && col < 0; distance++) {
    if (has_column(occupied, x - distance)) {
      col = x - distance;
    } else if (has_column(occupied, x + distance)) {
      col = x + distance;
    }
  }
  if (col < 0) {
    return;
  }
  for (var row = BOTTOM_ROW; row >= 0; row--) {
    if (grid_has(g, row, col)) {
      (*s).enemy_bullets |= grid_cell(row, col);
      return;
    }
  }
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let applied = select(action, (*s).last_action, rng_uniform(rng) < STICKY_ACTION_PROB);
  (*s).last_action = applied;
  if ((*s).terminal) {
    return StepOut(0.0, true);
  }

  if (applied == ACTION_FIRE) {
    // Fire while cooling down does nothing, not even a move.
    if ((*s).shot_timer == 0) {
      (*s).friendly_bullets |= grid_cell(BOTTOM_ROW, (*s).cannon_x);
      (*s).shot_timer = SHOT_COOLDOWN;
    }
  } else if (applied == ACTION_LEFT) {
    (*s).cannon_x = max(0, (*s).cannon_x - 1);
  } else if (applied == ACTION_RIGHT) {
    (*s).cannon_x = min(LAST_COL, (*s).cannon_x + 1);
  }

  // A bullet fired this step moves to row 8 at once; bullets leaving the grid are gone.
  (*s).friendly_bullets = grid_shift_back((*s).friendly_bullets, ROW_BITS);
  (*s).enemy_bullets = grid_shift_forward((*s).enemy_bullets, ROW_BITS);
  if (grid_has((*s).enemy_bullets | (*s).aliens, BOTTOM_ROW, (*s).cannon_x)) {
    (*s).terminal = true;
  }

  if ((*s).move_timer == 0) {
    // Fewer aliens move faster: the last one moves every step.
    (*s).move_timer = min(grid_count((*s).aliens), (*s).move_interval);
    move_aliens(s);
  }

  if ((*s).alien_shot_timer == 0) {
    (*s).alien_shot_timer = ALIEN_SHOT_INTERVAL;
    alien_shoots(s);
  }

  // Hits are checked only after bullets and aliens have both moved, so the two can pass each other.
  let hits = (*s).aliens & (*s).friendly_bullets;
  (*s).aliens &= ~hits;
  (*s).friendly_bullets &= ~hits;

  // Reloaded timers are decremented in the same step, so an interval k recurs every k steps.
  if ((*s).shot_timer > 0) {
    (*s).shot_timer -= 1;
  }
  (*s).move_timer -= 1;
  (*s).alien_shot_timer -= 1;

  if (grid_is_empty((*s).aliens)) {
    if (DIFFICULTY_RAMPING && (*s).move_interval > MIN_MOVE_INTERVAL) {
      (*s).move_interval -= 1;
      (*s).ramp_index += 1;
    }
    // The new wave keeps the old direction and move timer.
    (*s).aliens = NEW_WAVE;
  }
  return StepOut(f32(grid_count(hits)), (*s).terminal);
}

fn env_observe(s: EnvState) -> array<u32, OBS_WORDS> {
  let cannon = grid_cell(BOTTOM_ROW, s.cannon_x);
  let moving_left = s.alien_dir < 0;
  let alien_left = select(Grid(0u), s.aliens, moving_left);
  let alien_right = select(s.aliens, Grid(0u), moving_left);
  let f = s.friendly_bullets;
  let e = s.enemy_bullets;
  return array<u32, OBS_WORDS>(
    cannon.x, cannon.y, cannon.z, cannon.w,
    s.aliens.x, s.aliens.y, s.aliens.z, s.aliens.w,
    alien_left.x, alien_left.y, alien_left.z, alien_left.w,
    alien_right.x, alien_right.y, alien_right.z, alien_right.w,
    f.x, f.y, f.z, f.w,
    e.x, e.y, e.z, e.w,
  );
}

fn env_action_valid(bits: u32) -> bool {
  return bits < NUM_ACTIONS;
}

fn env_decode_action(bits: u32) -> Action {
  return min(bits, NUM_ACTIONS - 1u);
}

fn env_random_action(rng: ptr<function, Rng>) -> u32 {
  return u32(rng_int(rng, 0, i32(NUM_ACTIONS)));
}
