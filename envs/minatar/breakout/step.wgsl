// minatar/breakout: MinAtar Breakout for shaders/vecenv.wgsl. Rules: shared/specs/minatar/breakout.md;
// the TypeScript reference is spec.ts, whose encodeState order the state words follow.

override STICKY_ACTION_PROB: f32;

const CHANNELS: u32 = 4u;
const OBS_WORDS: u32 = CHANNELS * 4u;
const STATE_WORDS: u32 = 12u;
const NUM_ACTIONS: u32 = 6u;
alias ObsWord = u32;
alias Action = u32;

const GRID_SIZE: i32 = 10;
const LAST_COL: i32 = 9;
const BOTTOM_ROW: i32 = 9;
const ACTION_NOOP: u32 = 0u;
const ACTION_LEFT: u32 = 1u;
const ACTION_RIGHT: u32 = 3u;
const PADDLE_START: i32 = 4;
const BALL_START_ROW: i32 = 3;
const DIR_DOWN_RIGHT: u32 = 2u;
const DIR_DOWN_LEFT: u32 = 3u;

// The three brick rows 1–3 are kept as one 30-bit mask, bit (row − 1) · 10 + col: the same order as
// observation cells, so the brick channel is this mask shifted by the 10 cells of row 0.
const FIRST_BRICK_ROW: i32 = 1;
const BRICK_ROWS: i32 = 3;
const ROW_MASK: u32 = 0x3ffu;
const FULL_WALL: u32 = 0x3fffffffu;
const BRICK_CELL_OFFSET: u32 = 10u;

struct EnvState {
  paddle_x: i32,
  ball_x: i32,
  ball_y: i32,
  ball_dir: u32,
  last_x: i32,
  last_y: i32,
  bricks: u32,
  strike: bool,
  terminal: bool,
  last_action: u32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  let bricks = state_buf[b + 6u] | (state_buf[b + 7u] << 10u) | (state_buf[b + 8u] << 20u);
  return EnvState(bitcast<i32>(state_buf[b]), bitcast<i32>(state_buf[b + 1u]), bitcast<i32>(state_buf[b + 2u]),
                  state_buf[b + 3u], bitcast<i32>(state_buf[b + 4u]), bitcast<i32>(state_buf[b + 5u]), bricks,
                  state_buf[b + 9u] != 0u, state_buf[b + 10u] != 0u, state_buf[b + 11u]);
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.paddle_x);
  state_buf[b + 1u] = bitcast<u32>(s.ball_x);
  state_buf[b + 2u] = bitcast<u32>(s.ball_y);
  state_buf[b + 3u] = s.ball_dir;
  state_buf[b + 4u] = bitcast<u32>(s.last_x);
  state_buf[b + 5u] = bitcast<u32>(s.last_y);
  state_buf[b + 6u] = s.bricks & ROW_MASK;
  state_buf[b + 7u] = (s.bricks >> 10u) & ROW_MASK;
  state_buf[b + 8u] = s.bricks >> 20u;
  state_buf[b + 9u] = u32(s.strike);
  state_buf[b + 10u] = u32(s.terminal);
  state_buf[b + 11u] = s.last_action;
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  let from_right = rng_int(rng, 0, 2) == 1;
  let ball_x = select(0, LAST_COL, from_right);
  let dir = select(DIR_DOWN_RIGHT, DIR_DOWN_LEFT, from_right);
  return EnvState(PADDLE_START, ball_x, BALL_START_ROW, dir, ball_x, BALL_START_ROW, FULL_WALL, false, false, ACTION_NOOP);
}

// The mask bit of a brick cell, or 0 for a cell outside the brick rows.
fn brick_bit(row: i32, col: i32) -> u32 {
  let in_rows = row >= FIRST_BRICK_ROW && row < FIRST_BRICK_ROW + BRICK_ROWS;
  return select(0u, 1u << u32((row - FIRST_BRICK_ROW) * GRID_SIZE + col), in_rows);
}

// Directions 0 up-left, 1 up-right, 2 down-right, 3 down-left; up is decreasing row.
fn mirror_horizontal(dir: u32) -> u32 {
  return dir ^ 1u;
}

fn mirror_vertical(dir: u32) -> u32 {
  return 3u - dir;
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let applied = select(action, (*s).last_action, rng_uniform(rng) < STICKY_ACTION_PROB);
  (*s).last_action = applied;
  if ((*s).terminal) {
    return StepOut(0.0, true);
  }

  if (applied == ACTION_LEFT) {
    (*s).paddle_x = max(0, (*s).paddle_x - 1);
  } else if (applied == ACTION_RIGHT) {
    (*s).paddle_x = min(LAST_COL, (*s).paddle_x + 1);
  }

  (*s).last_x = (*s).ball_x;
  (*s).last_y = (*s).ball_y;
  var dir = (*s).ball_dir;
  var nx = (*s).ball_x + select(-1, 1, dir == 1u || dir == 2u);
  var ny = (*s).ball_y + select(-1, 1, dir >= 2u);
  if (nx < 0 || nx > LAST_COL) {
    // The clamp means the ball moves only vertically on a side-wall bounce.
    nx = clamp(nx, 0, LAST_COL);
    dir = mirror_horizontal(dir);
  }

  var reward = 0.0;
  var touched_brick = false;
  let brick = brick_bit(ny, nx);
  if (ny < 0) {
    ny = 0;
    dir = mirror_vertical(dir);
  } else if (((*s).bricks & brick) != 0u) {
    touched_brick = true;
    // Right after a hit the ball passes into the brick's cell: no reward, no bounce, brick stays.
    if (!(*s).strike) {
      reward = 1.0;
      (*s).strike = true;
      (*s).bricks &= ~brick;
      ny = (*s).last_y;
      dir = mirror_vertical(dir);
    }
  } else if (ny == BOTTOM_ROW) {
    if ((*s).bricks == 0u) {
      (*s).bricks = FULL_WALL;
    }
    // The paddle test compares the ball's column before the move first, then the new column.
    if ((*s).ball_x == (*s).paddle_x) {
      dir = mirror_vertical(dir);
      ny = (*s).last_y;
    } else if (nx == (*s).paddle_x) {
      // Reversing both directions: 2 → 0, 3 → 1.
      dir = dir - 2u;
      ny = (*s).last_y;
    } else {
      (*s).terminal = true;
    }
  }
  if (!touched_brick) {
    (*s).strike = false;
  }

  (*s).ball_x = nx;
  (*s).ball_y = ny;
  (*s).ball_dir = dir;
  return StepOut(reward, (*s).terminal);
}

// One channel's four words with the single cell (row, col) set.
fn cell_bits(row: i32, col: i32) -> vec4<u32> {
  let k = u32(row * GRID_SIZE + col);
  return select(vec4<u32>(0u), vec4<u32>(1u << (k & 31u)), vec4<u32>(0u, 1u, 2u, 3u) == vec4<u32>(k >> 5u));
}

fn env_observe(s: EnvState) -> array<u32, OBS_WORDS> {
  let paddle = cell_bits(BOTTOM_ROW, s.paddle_x);
  let ball = cell_bits(s.ball_y, s.ball_x);
  let trail = cell_bits(s.last_y, s.last_x);
  // Brick cells 10–39 span the first two words of the channel.
  let brick_low = s.bricks << BRICK_CELL_OFFSET;
  let brick_high = s.bricks >> (32u - BRICK_CELL_OFFSET);
  return array<u32, OBS_WORDS>(paddle.x, paddle.y, paddle.z, paddle.w, ball.x, ball.y, ball.z, ball.w,
                               trail.x, trail.y, trail.z, trail.w, brick_low, brick_high, 0u, 0u);
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
