// minatar/asterix: MinAtar Asterix for shaders/vecenv.wgsl. Rules: shared/specs/minatar/asterix.md;
// the TypeScript reference is spec.ts, whose encodeState order the state words follow.

override STICKY_ACTION_PROB: f32;
override DIFFICULTY_RAMPING: bool;
override SPAWN_INTERVAL_START: i32;
override MOVE_INTERVAL_START: i32;
override MIN_SPAWN_INTERVAL: i32;
override MIN_MOVE_INTERVAL: i32;
override RAMP_INTERVAL: i32;
override GOLD_CHANCE: f32;

const CHANNELS: u32 = 4u;
const OBS_WORDS: u32 = CHANNELS * 4u;
// One slot per lane: slot i holds at most one entity, on row i + 1.
const SLOT_COUNT: u32 = 8u;
// State words: player_x, player_y; in use, x, right, gold per slot; the two intervals, their timers
// and the ramp timer and index; terminal, last_action.
const SLOT_WORDS: u32 = 4u;
const FIRST_SLOT_WORD: u32 = 2u;
const FIRST_TIMER_WORD: u32 = FIRST_SLOT_WORD + SLOT_COUNT * SLOT_WORDS;
const STATE_WORDS: u32 = FIRST_TIMER_WORD + 8u;
const NUM_ACTIONS: u32 = 6u;
alias ObsWord = u32;
alias Action = u32;

const GRID_SIZE: i32 = 10;
const LAST_COL: i32 = 9;
const TOP_LANE: i32 = 1;
const BOTTOM_LANE: i32 = 8;
const PLAYER_START: i32 = 5;
const ACTION_NOOP: u32 = 0u;
const ACTION_LEFT: u32 = 1u;
const ACTION_UP: u32 = 2u;
const ACTION_RIGHT: u32 = 3u;
const ACTION_DOWN: u32 = 4u;
// A direction draw below this sends the new entity right.
const RIGHT_BELOW: f32 = 0.5;
const ALL_SLOTS: u32 = (1u << SLOT_COUNT) - 1u;

// The slots are kept as bit masks (bit i: slot i) and one word of 4-bit columns, so that the
// per-slot loops shift instead of indexing arrays.
const X_BITS: u32 = 4u;

struct EnvState {
  player_x: i32,
  player_y: i32,
  slot_active: u32,
  slot_x: u32,
  // Set: the entity moves toward column 9.
  slot_right: u32,
  slot_gold: u32,
  spawn_interval: i32,
  spawn_timer: i32,
  move_interval: i32,
  move_timer: i32,
  ramp_timer: i32,
  ramp_index: i32,
  terminal: bool,
  last_action: u32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  let t = b + FIRST_TIMER_WORD;
  var s = EnvState(bitcast<i32>(state_buf[b]), bitcast<i32>(state_buf[b + 1u]), 0u, 0u, 0u, 0u,
                   bitcast<i32>(state_buf[t]), bitcast<i32>(state_buf[t + 1u]), bitcast<i32>(state_buf[t + 2u]),
                   bitcast<i32>(state_buf[t + 3u]), bitcast<i32>(state_buf[t + 4u]), bitcast<i32>(state_buf[t + 5u]),
                   state_buf[t + 6u] != 0u, state_buf[t + 7u]);
  for (var slot = 0u; slot < SLOT_COUNT; slot++) {
    let w = b + FIRST_SLOT_WORD + slot * SLOT_WORDS;
    s.slot_active |= (state_buf[w] & 1u) << slot;
    s.slot_x = insertBits(s.slot_x, state_buf[w + 1u], slot * X_BITS, X_BITS);
    s.slot_right |= (state_buf[w + 2u] & 1u) << slot;
    s.slot_gold |= (state_buf[w + 3u] & 1u) << slot;
  }
  return s;
}

// Empty slots are stored as all zeros, as the TypeScript encoding writes them.
fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.player_x);
  state_buf[b + 1u] = bitcast<u32>(s.player_y);
  for (var slot = 0u; slot < SLOT_COUNT; slot++) {
    let w = b + FIRST_SLOT_WORD + slot * SLOT_WORDS;
    let in_use = (s.slot_active >> slot) & 1u;
    state_buf[w] = in_use;
    state_buf[w + 1u] = select(0u, extractBits(s.slot_x, slot * X_BITS, X_BITS), in_use != 0u);
    state_buf[w + 2u] = (s.slot_right >> slot) & in_use;
    state_buf[w + 3u] = (s.slot_gold >> slot) & in_use;
  }
  let t = b + FIRST_TIMER_WORD;
  state_buf[t] = bitcast<u32>(s.spawn_interval);
  state_buf[t + 1u] = bitcast<u32>(s.spawn_timer);
  state_buf[t + 2u] = bitcast<u32>(s.move_interval);
  state_buf[t + 3u] = bitcast<u32>(s.move_timer);
  state_buf[t + 4u] = bitcast<u32>(s.ramp_timer);
  state_buf[t + 5u] = bitcast<u32>(s.ramp_index);
  state_buf[t + 6u] = u32(s.terminal);
  state_buf[t + 7u] = s.last_action;
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  return EnvState(PLAYER_START, PLAYER_START, 0u, 0u, 0u, 0u, SPAWN_INTERVAL_START, SPAWN_INTERVAL_START,
                  MOVE_INTERVAL_START, MOVE_INTERVAL_START, RAMP_INTERVAL, 0, false, ACTION_NOOP);
}

// Both uniform draws happen even when every lane is full; only then is the lane drawn, as the k-th
// empty slot in increasing order.
fn spawn(s: ptr<function, EnvState>, rng: ptr<function, Rng>) {
  let right = rng_uniform(rng) < RIGHT_BELOW;
  let gold = rng_uniform(rng) < GOLD_CHANCE;
  var empty = ~(*s).slot_active & ALL_SLOTS;
  if (empty == 0u) {
    return;
  }
  let k = rng_int(rng, 0, i32(countOneBits(empty)));
  for (var skipped = 0; skipped < k; skipped++) {
    empty &= empty - 1u;
  }
  let slot = firstTrailingBit(empty);
  let bit = 1u << slot;
  (*s).slot_active |= bit;
  (*s).slot_x = insertBits((*s).slot_x, select(u32(LAST_COL), 0u, right), slot * X_BITS, X_BITS);
  (*s).slot_right = select((*s).slot_right & ~bit, (*s).slot_right | bit, right);
  (*s).slot_gold = select((*s).slot_gold & ~bit, (*s).slot_gold | bit, gold);
}

// The player meets the entity of `slot`: gold is collected (the reward), an enemy ends the game but
// stays.
fn contact(s: ptr<function, EnvState>, slot: u32) -> f32 {
  let bit = 1u << slot;
  if (((*s).slot_gold & bit) != 0u) {
    (*s).slot_active &= ~bit;
    return 1.0;
  }
  (*s).terminal = true;
  return 0.0;
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let applied = select(action, (*s).last_action, rng_uniform(rng) < STICKY_ACTION_PROB);
  (*s).last_action = applied;
  if ((*s).terminal) {
    return StepOut(0.0, true);
  }

  if ((*s).spawn_timer == 0) {
    spawn(s, rng);
    (*s).spawn_timer = (*s).spawn_interval;
  }

  if (applied == ACTION_LEFT) {
    (*s).player_x = max(0, (*s).player_x - 1);
  } else if (applied == ACTION_RIGHT) {
    (*s).player_x = min(LAST_COL, (*s).player_x + 1);
  } else if (applied == ACTION_UP) {
    (*s).player_y = max(TOP_LANE, (*s).player_y - 1);
  } else if (applied == ACTION_DOWN) {
    (*s).player_y = min(BOTTOM_LANE, (*s).player_y + 1);
  }

  // Only the slot of the player's lane can touch the player. Walking onto an entity counts on every
  // step, also when the entities do not move.
  let player_slot = u32((*s).player_y - TOP_LANE);
  let player_col = u32((*s).player_x);
  var reward = 0.0;
  if ((((*s).slot_active >> player_slot) & 1u) != 0u && extractBits((*s).slot_x, player_slot * X_BITS, X_BITS) == player_col) {
    reward += contact(s, player_slot);
  }

  if ((*s).move_timer == 0) {
    (*s).move_timer = (*s).move_interval;
    // Hitting an enemy does not stop the step: later slots still move and gold still counts.
    for (var slot = 0u; slot < SLOT_COUNT; slot++) {
      let bit = 1u << slot;
      if (((*s).slot_active & bit) == 0u) {
        continue;
      }
      let x = i32(extractBits((*s).slot_x, slot * X_BITS, X_BITS)) + select(-1, 1, ((*s).slot_right & bit) != 0u);
      if (x < 0 || x > LAST_COL) {
        (*s).slot_active &= ~bit;
        continue;
      }
      (*s).slot_x = insertBits((*s).slot_x, u32(x), slot * X_BITS, X_BITS);
      if (slot == player_slot && u32(x) == player_col) {
        reward += contact(s, slot);
      }
    }
  }

  // Reloaded timers are decremented in the same step, so an interval k recurs every k steps.
  (*s).spawn_timer -= 1;
  (*s).move_timer -= 1;

  if (DIFFICULTY_RAMPING && ((*s).spawn_interval > MIN_SPAWN_INTERVAL || (*s).move_interval > MIN_MOVE_INTERVAL)) {
    if ((*s).ramp_timer >= 0) {
      (*s).ramp_timer -= 1;
    } else {
      // The move interval drops on every second ramp.
      if ((*s).move_interval > MIN_MOVE_INTERVAL && ((*s).ramp_index & 1) == 1) {
        (*s).move_interval -= 1;
      }
      if ((*s).spawn_interval > MIN_SPAWN_INTERVAL) {
        (*s).spawn_interval -= 1;
      }
      (*s).ramp_index += 1;
      (*s).ramp_timer = RAMP_INTERVAL;
    }
  }
  return StepOut(reward, (*s).terminal);
}

// The first three words of one channel with the single cell (row, col) set. Asterix's cells are in
// rows 1–8, below cell 96: the fourth word of every channel stays 0.
fn cell_bits(row: i32, col: i32) -> vec3<u32> {
  let k = u32(row * GRID_SIZE + col);
  return select(vec3<u32>(0u), vec3<u32>(1u << (k & 31u)), vec3<u32>(0u, 1u, 2u) == vec3<u32>(k >> 5u));
}

fn env_observe(s: EnvState) -> array<u32, OBS_WORDS> {
  let player = cell_bits(s.player_y, s.player_x);
  var enemy = vec3<u32>(0u);
  var trail = vec3<u32>(0u);
  var gold = vec3<u32>(0u);
  // Selects rather than skipping empty slots: on SIMD hardware (and SwiftShader) a branch costs more.
  for (var slot = 0u; slot < SLOT_COUNT; slot++) {
    let bit = 1u << slot;
    let in_use = (s.slot_active & bit) != 0u;
    let row = i32(slot) + TOP_LANE;
    let x = i32(extractBits(s.slot_x, slot * X_BITS, X_BITS));
    let cell = cell_bits(row, x);
    let is_gold = (s.slot_gold & bit) != 0u;
    gold |= select(vec3<u32>(0u), cell, in_use && is_gold);
    enemy |= select(vec3<u32>(0u), cell, in_use && !is_gold);
    // The cell behind the entity, where it was; nothing behind an entity that just entered.
    let behind = x + select(1, -1, (s.slot_right & bit) != 0u);
    trail |= select(vec3<u32>(0u), cell_bits(row, behind), in_use && behind >= 0 && behind <= LAST_COL);
  }
  return array<u32, OBS_WORDS>(player.x, player.y, player.z, 0u, enemy.x, enemy.y, enemy.z, 0u,
                               trail.x, trail.y, trail.z, 0u, gold.x, gold.y, gold.z, 0u);
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
