// minatar/freeway: MinAtar Freeway for shaders/vecenv.wgsl. Rules: shared/specs/minatar/freeway.md;
// the TypeScript reference is spec.ts, whose encodeState order the state words follow.

override STICKY_ACTION_PROB: f32;
override CHICKEN_MOVE_COOLDOWN: i32;
override GAME_TIME: i32;

const CHANNELS: u32 = 7u;
const OBS_WORDS: u32 = CHANNELS * 4u;
const CAR_COUNT: u32 = 8u;
// State words: chicken_row, move_timer, time_left; x, timer, signed speed per car; terminal,
// last_action.
const FIRST_CAR_WORD: u32 = 3u;
const CAR_WORDS: u32 = 3u;
const TERMINAL_WORD: u32 = FIRST_CAR_WORD + CAR_COUNT * CAR_WORDS;
const STATE_WORDS: u32 = TERMINAL_WORD + 2u;
const NUM_ACTIONS: u32 = 6u;
alias ObsWord = u32;
alias Action = u32;

const GRID_SIZE: i32 = 10;
const BOTTOM_ROW: i32 = 9;
const CHICKEN_COL: u32 = 4u;
const MAX_SPEED: i32 = 5;
const ACTION_NOOP: u32 = 0u;
const ACTION_UP: u32 = 2u;
const ACTION_DOWN: u32 = 4u;
// A direction draw below this sends the car left.
const LEFT_BELOW: f32 = 0.5;

// The eight cars are kept as bit fields, car i (on row i + 1) at bit i · width of each word, so that
// the per-car loops shift instead of indexing arrays.
const X_BITS: u32 = 4u;
const TIMER_BITS: u32 = 3u;
const SPEED_BITS: u32 = 3u;
// A reloaded timer is its car's speed magnitude: draw_speeds copies the whole word.
const_assert TIMER_BITS == SPEED_BITS;

struct EnvState {
  chicken_row: i32,
  move_timer: i32,
  time_left: i32,
  // Columns, 4 bits per car.
  car_x: u32,
  // Steps until the car's next move, 3 bits per car.
  car_timer: u32,
  // Speed magnitudes 1..MAX_SPEED (steps between moves), 3 bits per car.
  car_speed: u32,
  // Bit i set: car i drives left (its signed speed is negative).
  car_left: u32,
  terminal: bool,
  last_action: u32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  var s = EnvState(bitcast<i32>(state_buf[b]), bitcast<i32>(state_buf[b + 1u]), bitcast<i32>(state_buf[b + 2u]), 0u, 0u, 0u, 0u,
                   state_buf[b + TERMINAL_WORD] != 0u, state_buf[b + TERMINAL_WORD + 1u]);
  for (var car = 0u; car < CAR_COUNT; car++) {
    let w = b + FIRST_CAR_WORD + car * CAR_WORDS;
    let speed = bitcast<i32>(state_buf[w + 2u]);
    s.car_x = insertBits(s.car_x, state_buf[w], car * X_BITS, X_BITS);
    s.car_timer = insertBits(s.car_timer, state_buf[w + 1u], car * TIMER_BITS, TIMER_BITS);
    s.car_speed = insertBits(s.car_speed, u32(abs(speed)), car * SPEED_BITS, SPEED_BITS);
    s.car_left |= select(0u, 1u << car, speed < 0);
  }
  return s;
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.chicken_row);
  state_buf[b + 1u] = bitcast<u32>(s.move_timer);
  state_buf[b + 2u] = bitcast<u32>(s.time_left);
  for (var car = 0u; car < CAR_COUNT; car++) {
    let w = b + FIRST_CAR_WORD + car * CAR_WORDS;
    let speed = i32(extractBits(s.car_speed, car * SPEED_BITS, SPEED_BITS));
    state_buf[w] = extractBits(s.car_x, car * X_BITS, X_BITS);
    state_buf[w + 1u] = extractBits(s.car_timer, car * TIMER_BITS, TIMER_BITS);
    state_buf[w + 2u] = bitcast<u32>(select(speed, -speed, ((s.car_left >> car) & 1u) != 0u));
  }
  state_buf[b + TERMINAL_WORD] = u32(s.terminal);
  state_buf[b + TERMINAL_WORD + 1u] = s.last_action;
}

// New speeds for all cars: every magnitude is drawn first, then every direction; each timer starts
// at its magnitude. Positions are left alone.
fn draw_speeds(s: ptr<function, EnvState>, rng: ptr<function, Rng>) {
  for (var car = 0u; car < CAR_COUNT; car++) {
    (*s).car_speed = insertBits((*s).car_speed, u32(rng_int(rng, 1, MAX_SPEED + 1)), car * SPEED_BITS, SPEED_BITS);
  }
  (*s).car_timer = (*s).car_speed;
  (*s).car_left = 0u;
  for (var car = 0u; car < CAR_COUNT; car++) {
    // The original turns a draw of exactly 0.5 into speed 0 and breaks; treated as moving right.
    (*s).car_left |= select(0u, 1u << car, rng_uniform(rng) < LEFT_BELOW);
  }
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  var s = EnvState(BOTTOM_ROW, CHICKEN_MOVE_COOLDOWN, GAME_TIME, 0u, 0u, 0u, 0u, false, ACTION_NOOP);
  draw_speeds(&s, rng);
  return s;
}

fn drives_left(s: EnvState, car: u32) -> bool {
  return ((s.car_left >> car) & 1u) != 0u;
}

// The column next to col, to the left or the right, wrapping around the grid.
fn next_column(col: u32, left: bool) -> u32 {
  return (col + select(1u, u32(GRID_SIZE) - 1u, left)) % u32(GRID_SIZE);
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let applied = select(action, (*s).last_action, rng_uniform(rng) < STICKY_ACTION_PROB);
  (*s).last_action = applied;
  if ((*s).terminal) {
    return StepOut(0.0, true);
  }

  if ((*s).move_timer == 0 && (applied == ACTION_UP || applied == ACTION_DOWN)) {
    (*s).move_timer = CHICKEN_MOVE_COOLDOWN;
    (*s).chicken_row = select(min(BOTTOM_ROW, (*s).chicken_row + 1), max(0, (*s).chicken_row - 1), applied == ACTION_UP);
  }

  var reward = 0.0;
  if ((*s).chicken_row == 0) {
    reward = 1.0;
    draw_speeds(s, rng);
    (*s).chicken_row = BOTTOM_ROW;
  }

  for (var car = 0u; car < CAR_COUNT; car++) {
    // Each car tests the chicken's current row before and after its own move.
    let row = i32(car) + 1;
    var x = extractBits((*s).car_x, car * X_BITS, X_BITS);
    if (x == CHICKEN_COL && row == (*s).chicken_row) {
      (*s).chicken_row = BOTTOM_ROW;
    }
    let timer = extractBits((*s).car_timer, car * TIMER_BITS, TIMER_BITS);
    if (timer == 0u) {
      x = next_column(x, drives_left(*s, car));
      (*s).car_x = insertBits((*s).car_x, x, car * X_BITS, X_BITS);
      (*s).car_timer = insertBits((*s).car_timer, extractBits((*s).car_speed, car * SPEED_BITS, SPEED_BITS), car * TIMER_BITS, TIMER_BITS);
      if (x == CHICKEN_COL && row == (*s).chicken_row) {
        (*s).chicken_row = BOTTOM_ROW;
      }
    } else {
      (*s).car_timer = insertBits((*s).car_timer, timer - 1u, car * TIMER_BITS, TIMER_BITS);
    }
  }

  if ((*s).move_timer > 0) {
    (*s).move_timer -= 1;
  }
  (*s).time_left -= 1;
  (*s).terminal = (*s).time_left < 0;
  return StepOut(reward, (*s).terminal);
}

// The first three words of one channel with the single cell (row, col) set. Freeway's cells are in
// rows 1–8 and at the chicken's column on row 9, all below cell 96: the fourth word of every channel
// stays 0.
fn cell_bits(row: i32, col: u32) -> vec3<u32> {
  let k = u32(row * GRID_SIZE) + col;
  return select(vec3<u32>(0u), vec3<u32>(1u << (k & 31u)), vec3<u32>(0u, 1u, 2u) == vec3<u32>(k >> 5u));
}

fn env_observe(s: EnvState) -> array<u32, OBS_WORDS> {
  let chicken = cell_bits(s.chicken_row, CHICKEN_COL);
  var cars = vec3<u32>(0u);
  // Speed channels speed1..speed5: the cell behind each car, in the channel of its magnitude.
  var speed1 = vec3<u32>(0u);
  var speed2 = vec3<u32>(0u);
  var speed3 = vec3<u32>(0u);
  var speed4 = vec3<u32>(0u);
  var speed5 = vec3<u32>(0u);
  for (var car = 0u; car < CAR_COUNT; car++) {
    let row = i32(car) + 1;
    let x = extractBits(s.car_x, car * X_BITS, X_BITS);
    cars |= cell_bits(row, x);
    // Behind a car driving left is the cell to its right.
    let behind = cell_bits(row, next_column(x, !drives_left(s, car)));
    let speed = extractBits(s.car_speed, car * SPEED_BITS, SPEED_BITS);
    speed1 |= select(vec3<u32>(0u), behind, speed == 1u);
    speed2 |= select(vec3<u32>(0u), behind, speed == 2u);
    speed3 |= select(vec3<u32>(0u), behind, speed == 3u);
    speed4 |= select(vec3<u32>(0u), behind, speed == 4u);
    speed5 |= select(vec3<u32>(0u), behind, speed == 5u);
  }
  return array<u32, OBS_WORDS>(chicken.x, chicken.y, chicken.z, 0u, cars.x, cars.y, cars.z, 0u,
                               speed1.x, speed1.y, speed1.z, 0u, speed2.x, speed2.y, speed2.z, 0u,
                               speed3.x, speed3.y, speed3.z, 0u, speed4.x, speed4.y, speed4.z, 0u,
                               speed5.x, speed5.y, speed5.z, 0u);
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
