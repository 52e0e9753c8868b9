// minatar/seaquest: MinAtar Seaquest for shaders/vecenv.wgsl. Rules: shared/specs/minatar/seaquest.md;
// the TypeScript reference is spec.ts beside this file, and the constants come from its params as
// overrides.
//
// The state buffer holds spec.ts's fixed-size encoding: 320 words, most of them the records of four
// lists (torpedoes, enemy bullets, enemies, divers), 3 to 6 words each. In the kernel every record
// is one packed u32 (RECORD_* below) and the four lists share one array of 68 records, so a step
// moves and removes single words, and one set of list functions serves all four lists.
// env_load/env_store convert, visiting only the records in use.

override STICKY_ACTION_PROB: f32;
override DIFFICULTY_RAMPING: bool;
override MAX_OXYGEN: i32;
override ENEMY_SPAWN_INTERVAL_START: i32;
override ENEMY_MOVE_INTERVAL_START: i32;
override MIN_ENEMY_SPAWN_INTERVAL: i32;
override MIN_ENEMY_MOVE_INTERVAL: i32;
override DIVER_SPAWN_INTERVAL: i32;
override DIVER_MOVE_INTERVAL: i32;
override SHOT_COOLDOWN: i32;
override ENEMY_SHOT_INTERVAL: i32;
override MAX_DIVERS: i32;
override ENEMY_SUB_CHANCE: f32;

const CHANNELS: u32 = 10u;
const OBS_WORDS: u32 = CHANNELS * 4u;
alias ObsWord = u32;
alias Action = u32;

const NUM_ACTIONS: u32 = 6u;
const ACTION_LEFT: u32 = 1u;
const ACTION_UP: u32 = 2u;
const ACTION_RIGHT: u32 = 3u;
const ACTION_DOWN: u32 = 4u;
const ACTION_FIRE: u32 = 5u;

const GRID_SIZE: i32 = 10;
const LAST_COL: i32 = 9;
// The player moves in rows 0 (the surface) to 8; enemies and divers cross in rows 1–8.
const DEEPEST_ROW: i32 = 8;
const SUB_START_X: i32 = 5;
// The gauges on row 9 show oxygen and the divers held in tenths of the grid width.
const GAUGE_CELLS: i32 = 10;
// Spawned enemies and divers move right when a uniform draw is below this.
const RIGHT_CHANCE: f32 = 0.5;

// ---- Lists: capacities and state-buffer layout as in spec.ts (FixedList: a count, then records).
const TORPEDO_CAPACITY: u32 = 2u;
const ENEMY_BULLET_CAPACITY: u32 = 32u;
const ENEMY_CAPACITY: u32 = 32u;
const DIVER_CAPACITY: u32 = 2u;
// Words per record: x, y, right; enemies add is_sub, move_timer, shot_timer; divers move_timer.
const MOVER_WORDS: u32 = 3u;
const ENEMY_WORDS: u32 = 6u;
const DIVER_WORDS: u32 = 4u;

const WORD_SUB_X: u32 = 0u;
const WORD_SUB_Y: u32 = 1u;
const WORD_FACING_RIGHT: u32 = 2u;
const WORD_OXYGEN: u32 = 3u;
const WORD_DIVERS_HELD: u32 = 4u;
const WORD_TORPEDO_COUNT: u32 = 5u;
const WORD_ENEMY_BULLET_COUNT: u32 = WORD_TORPEDO_COUNT + 1u + TORPEDO_CAPACITY * MOVER_WORDS;
const WORD_ENEMY_COUNT: u32 = WORD_ENEMY_BULLET_COUNT + 1u + ENEMY_BULLET_CAPACITY * MOVER_WORDS;
const WORD_DIVER_COUNT: u32 = WORD_ENEMY_COUNT + 1u + ENEMY_CAPACITY * ENEMY_WORDS;
const WORD_SPAWN_INTERVAL: u32 = WORD_DIVER_COUNT + 1u + DIVER_CAPACITY * DIVER_WORDS;
const WORD_SPAWN_TIMER: u32 = WORD_SPAWN_INTERVAL + 1u;
const WORD_DIVER_TIMER: u32 = WORD_SPAWN_INTERVAL + 2u;
const WORD_MOVE_INTERVAL: u32 = WORD_SPAWN_INTERVAL + 3u;
const WORD_SHOT_TIMER: u32 = WORD_SPAWN_INTERVAL + 4u;
const WORD_RAMP_INDEX: u32 = WORD_SPAWN_INTERVAL + 5u;
const WORD_AT_SURFACE: u32 = WORD_SPAWN_INTERVAL + 6u;
const WORD_TERMINAL: u32 = WORD_SPAWN_INTERVAL + 7u;
const WORD_LAST_ACTION: u32 = WORD_SPAWN_INTERVAL + 8u;
const STATE_WORDS: u32 = WORD_LAST_ACTION + 1u;

// Where a list lives: its component of EnvState.counts, its first slot in EnvState.records and its
// capacity; in the state buffer, its count word and the words of one record. Every list function
// takes one of the four constants below, so once inlined these are all constants, with no
// constant array to index at run time.
struct List {
  index: u32,
  first: u32,
  capacity: u32,
  count_word: u32,
  record_words: u32,
}

const TORPEDOES = List(0u, 0u, TORPEDO_CAPACITY, WORD_TORPEDO_COUNT, MOVER_WORDS);
const ENEMY_BULLETS = List(1u, TORPEDOES.first + TORPEDO_CAPACITY, ENEMY_BULLET_CAPACITY, WORD_ENEMY_BULLET_COUNT, MOVER_WORDS);
const ENEMIES = List(2u, ENEMY_BULLETS.first + ENEMY_BULLET_CAPACITY, ENEMY_CAPACITY, WORD_ENEMY_COUNT, ENEMY_WORDS);
const DIVERS = List(3u, ENEMIES.first + ENEMY_CAPACITY, DIVER_CAPACITY, WORD_DIVER_COUNT, DIVER_WORDS);
const RECORDS: u32 = DIVERS.first + DIVER_CAPACITY;

// ---- A record as one u32: bits 0–3 x, 4–7 y (together the cell), 8 moving right, 9 enemy sub,
// 10–20 move timer (enemies, divers), 21–31 shot timer (subs). Stored records are on the grid; an
// entity that moves off it is removed at once. The timer fields hold intervals up to 2047.
const RECORD_X_BITS: u32 = 4u;
const RECORD_CELL: u32 = 0xffu;
const RECORD_RIGHT: u32 = 1u << 8u;
const RECORD_SUB: u32 = 1u << 9u;
const RECORD_MOVE_TIMER: u32 = 10u;
const RECORD_SHOT_TIMER: u32 = 21u;
const RECORD_TIMER_BITS: u32 = 11u;

struct EnvState {
  // The player's front cell.
  sub_x: i32,
  sub_y: i32,
  facing_right: bool,
  oxygen: i32,
  divers_held: i32,
  // Records in use per list (List.index), and the records of all four lists (List.first).
  counts: vec4<u32>,
  records: array<u32, RECORDS>,
  spawn_interval: i32,
  spawn_timer: i32,
  diver_timer: i32,
  move_interval: i32,
  // Player torpedo cool-down.
  shot_timer: i32,
  ramp_index: i32,
  // The player has already been handled at the surface.
  at_surface: bool,
  terminal: bool,
  last_action: u32,
}

fn cell(x: i32, y: i32) -> u32 {
  return u32(x) | (u32(y) << RECORD_X_BITS);
}

fn record_x(r: u32) -> i32 {
  return i32(extractBits(r, 0u, RECORD_X_BITS));
}

fn record_y(r: u32) -> i32 {
  return i32(extractBits(r, RECORD_X_BITS, RECORD_X_BITS));
}

fn moves_right(r: u32) -> bool {
  return (r & RECORD_RIGHT) != 0u;
}

fn is_sub(r: u32) -> bool {
  return (r & RECORD_SUB) != 0u;
}

fn move_timer(r: u32) -> i32 {
  return i32(extractBits(r, RECORD_MOVE_TIMER, RECORD_TIMER_BITS));
}

fn shot_timer(r: u32) -> i32 {
  return i32(extractBits(r, RECORD_SHOT_TIMER, RECORD_TIMER_BITS));
}

fn with_x(r: u32, x: i32) -> u32 {
  return insertBits(r, u32(x), 0u, RECORD_X_BITS);
}

fn with_move_timer(r: u32, timer: i32) -> u32 {
  return insertBits(r, u32(timer), RECORD_MOVE_TIMER, RECORD_TIMER_BITS);
}

fn with_shot_timer(r: u32, timer: i32) -> u32 {
  return insertBits(r, u32(timer), RECORD_SHOT_TIMER, RECORD_TIMER_BITS);
}

// The column a record moves to; off the grid (−1 or 10) means it leaves.
fn next_x(r: u32) -> i32 {
  return record_x(r) + select(-1, 1, moves_right(r));
}

fn on_grid(x: i32) -> bool {
  return x >= 0 && x <= LAST_COL;
}

// A new mover on the edge it enters from.
fn entering_mover(right: bool, y: i32) -> u32 {
  return cell(select(LAST_COL, 0, right), y) | select(0u, RECORD_RIGHT, right);
}

// ---- List operations (list: TORPEDOES … DIVERS).

fn list_count(s: ptr<function, EnvState>, list: List) -> u32 {
  return (*s).counts[list.index];
}

fn list_get(s: ptr<function, EnvState>, list: List, index: u32) -> u32 {
  return (*s).records[list.first + index];
}

fn list_set(s: ptr<function, EnvState>, list: List, index: u32, r: u32) {
  (*s).records[list.first + index] = r;
}

// Appends at the end. The capacities cover everything the rules allow with the default params
// (spec.ts explains them); a record beyond them, which the reference cannot encode, is dropped.
fn list_append(s: ptr<function, EnvState>, list: List, r: u32) {
  let count = list_count(s, list);
  if (count < list.capacity) {
    list_set(s, list, count, r);
    (*s).counts[list.index] = count + 1u;
  }
}

// Removes the record at index, keeping the order of the others.
fn list_remove(s: ptr<function, EnvState>, list: List, index: u32) {
  let last = list_count(s, list) - 1u;
  for (var k = index; k < last; k++) {
    list_set(s, list, k, list_get(s, list, k + 1u));
  }
  (*s).counts[list.index] = last;
}

// The index of the first record of the list on cell c, or −1.
fn list_find_cell(s: ptr<function, EnvState>, list: List, c: u32) -> i32 {
  for (var k = 0u; k < list_count(s, list); k++) {
    if ((list_get(s, list, k) & RECORD_CELL) == c) {
      return i32(k);
    }
  }
  return -1;
}

// ---- State buffer.

fn load_i32(b: u32, word: u32) -> i32 {
  return bitcast<i32>(state_buf[b + word]);
}

// A record from its words at w: x, y, right, then is_sub, move timer, shot timer (enemies) or
// the move timer (divers).
fn load_record(list: List, w: u32) -> u32 {
  var r = cell(bitcast<i32>(state_buf[w]), bitcast<i32>(state_buf[w + 1u])) | select(0u, RECORD_RIGHT, state_buf[w + 2u] != 0u);
  if (list.record_words == ENEMY_WORDS) {
    r |= select(0u, RECORD_SUB, state_buf[w + 3u] != 0u);
    r = with_move_timer(r, bitcast<i32>(state_buf[w + 4u]));
    r = with_shot_timer(r, bitcast<i32>(state_buf[w + 5u]));
  } else if (list.record_words == DIVER_WORDS) {
    r = with_move_timer(r, bitcast<i32>(state_buf[w + 3u]));
  }
  return r;
}

fn store_record(list: List, w: u32, r: u32) {
  state_buf[w] = bitcast<u32>(record_x(r));
  state_buf[w + 1u] = bitcast<u32>(record_y(r));
  state_buf[w + 2u] = select(0u, 1u, moves_right(r));
  if (list.record_words == ENEMY_WORDS) {
    state_buf[w + 3u] = select(0u, 1u, is_sub(r));
    state_buf[w + 4u] = bitcast<u32>(move_timer(r));
    state_buf[w + 5u] = bitcast<u32>(shot_timer(r));
  } else if (list.record_words == DIVER_WORDS) {
    state_buf[w + 3u] = bitcast<u32>(move_timer(r));
  }
}

fn load_list(s: ptr<function, EnvState>, b: u32, list: List) {
  let count_word = b + list.count_word;
  let count = state_buf[count_word];
  for (var k = 0u; k < count; k++) {
    list_set(s, list, k, load_record(list, count_word + 1u + k * list.record_words));
  }
  (*s).counts[list.index] = count;
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  var s: EnvState;
  s.sub_x = load_i32(b, WORD_SUB_X);
  s.sub_y = load_i32(b, WORD_SUB_Y);
  s.facing_right = state_buf[b + WORD_FACING_RIGHT] != 0u;
  s.oxygen = load_i32(b, WORD_OXYGEN);
  s.divers_held = load_i32(b, WORD_DIVERS_HELD);
  load_list(&s, b, TORPEDOES);
  load_list(&s, b, ENEMY_BULLETS);
  load_list(&s, b, ENEMIES);
  load_list(&s, b, DIVERS);
  s.spawn_interval = load_i32(b, WORD_SPAWN_INTERVAL);
  s.spawn_timer = load_i32(b, WORD_SPAWN_TIMER);
  s.diver_timer = load_i32(b, WORD_DIVER_TIMER);
  s.move_interval = load_i32(b, WORD_MOVE_INTERVAL);
  s.shot_timer = load_i32(b, WORD_SHOT_TIMER);
  s.ramp_index = load_i32(b, WORD_RAMP_INDEX);
  s.at_surface = state_buf[b + WORD_AT_SURFACE] != 0u;
  s.terminal = state_buf[b + WORD_TERMINAL] != 0u;
  s.last_action = state_buf[b + WORD_LAST_ACTION];
  return s;
}

// Unused records must read as zeros. The buffer always holds a valid encoding (zeros when
// created, then whatever env_store or writeState left), so only the records the stored count
// used and the new one does not are cleared, not the whole list.
fn store_list(s: ptr<function, EnvState>, b: u32, list: List) {
  let count_word = b + list.count_word;
  let stored_count = state_buf[count_word];
  let count = list_count(s, list);
  for (var k = 0u; k < count; k++) {
    store_record(list, count_word + 1u + k * list.record_words, list_get(s, list, k));
  }
  for (var w = count * list.record_words; w < stored_count * list.record_words; w++) {
    state_buf[count_word + 1u + w] = 0u;
  }
  state_buf[count_word] = count;
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b + WORD_SUB_X] = bitcast<u32>(s.sub_x);
  state_buf[b + WORD_SUB_Y] = bitcast<u32>(s.sub_y);
  state_buf[b + WORD_FACING_RIGHT] = select(0u, 1u, s.facing_right);
  state_buf[b + WORD_OXYGEN] = bitcast<u32>(s.oxygen);
  state_buf[b + WORD_DIVERS_HELD] = bitcast<u32>(s.divers_held);
  // The list functions work on a variable.
  var state = s;
  store_list(&state, b, TORPEDOES);
  store_list(&state, b, ENEMY_BULLETS);
  store_list(&state, b, ENEMIES);
  store_list(&state, b, DIVERS);
  state_buf[b + WORD_SPAWN_INTERVAL] = bitcast<u32>(s.spawn_interval);
  state_buf[b + WORD_SPAWN_TIMER] = bitcast<u32>(s.spawn_timer);
  state_buf[b + WORD_DIVER_TIMER] = bitcast<u32>(s.diver_timer);
  state_buf[b + WORD_MOVE_INTERVAL] = bitcast<u32>(s.move_interval);
  state_buf[b + WORD_SHOT_TIMER] = bitcast<u32>(s.shot_timer);
  state_buf[b + WORD_RAMP_INDEX] = bitcast<u32>(s.ramp_index);
  state_buf[b + WORD_AT_SURFACE] = select(0u, 1u, s.at_surface);
  state_buf[b + WORD_TERMINAL] = select(0u, 1u, s.terminal);
  state_buf[b + WORD_LAST_ACTION] = s.last_action;
}

// ---- Rules.

// No draws.
fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  var s: EnvState;
  s.sub_x = SUB_START_X;
  s.oxygen = MAX_OXYGEN;
  s.spawn_interval = ENEMY_SPAWN_INTERVAL_START;
  s.spawn_timer = ENEMY_SPAWN_INTERVAL_START;
  s.diver_timer = DIVER_SPAWN_INTERVAL;
  s.move_interval = ENEMY_MOVE_INTERVAL_START;
  s.at_surface = true;
  return s;
}

// A new enemy unless its row has one moving the other way.
fn add_enemy(s: ptr<function, EnvState>, right: bool, sub: bool, y: i32) {
  for (var k = 0u; k < list_count(s, ENEMIES); k++) {
    let e = list_get(s, ENEMIES, k);
    if (record_y(e) == y && moves_right(e) != right) {
      return;
    }
  }
  var enemy = with_move_timer(entering_mover(right, y), (*s).move_interval);
  if (sub) {
    enemy = with_shot_timer(enemy | RECORD_SUB, ENEMY_SHOT_INTERVAL);
  }
  list_append(s, ENEMIES, enemy);
}

const SPAWN_ENEMY: u32 = 1u;
const SPAWN_DIVER: u32 = 2u;

// The enemy spawn, then the diver spawn, when due. An enemy spawn draws right, is_sub and y (all
// three even when add_enemy refuses it), a diver spawn right and y. Both run in one loop over the
// due spawns, so that each draw is written once: SwiftShader runs a branch for a group of 4 envs
// whether or not any of them takes it, paying a Philox block for each draw in it, but it skips a
// loop that none of them enters.
fn spawn(s: ptr<function, EnvState>, rng: ptr<function, Rng>) {
  var due = select(0u, SPAWN_ENEMY, (*s).spawn_timer == 0) | select(0u, SPAWN_DIVER, (*s).diver_timer == 0);
  while (due != 0u) {
    let enemy = (due & SPAWN_ENEMY) != 0u;
    due &= due - 1u;
    let right = rng_uniform(rng) < RIGHT_CHANCE;
    // && draws only for an enemy.
    let sub = enemy && rng_uniform(rng) < ENEMY_SUB_CHANCE;
    let y = rng_int(rng, 1, DEEPEST_ROW + 1);
    if (enemy) {
      add_enemy(s, right, sub, y);
      (*s).spawn_timer = (*s).spawn_interval;
    } else {
      list_append(s, DIVERS, with_move_timer(entering_mover(right, y), DIVER_MOVE_INTERVAL));
      (*s).diver_timer = DIVER_SPAWN_INTERVAL;
    }
  }
}

// Torpedoes, last to first: each moves, and hits the first fish on its cell, else the first sub.
fn move_torpedoes(s: ptr<function, EnvState>) -> i32 {
  var reward = 0;
  for (var i = i32(list_count(s, TORPEDOES)) - 1; i >= 0; i--) {
    let torpedo = list_get(s, TORPEDOES, u32(i));
    let x = next_x(torpedo);
    if (!on_grid(x)) {
      list_remove(s, TORPEDOES, u32(i));
      continue;
    }
    let moved = with_x(torpedo, x);
    list_set(s, TORPEDOES, u32(i), moved);
    var first_sub = -1;
    var hit = -1;
    for (var k = 0u; k < list_count(s, ENEMIES) && hit < 0; k++) {
      let e = list_get(s, ENEMIES, k);
      if ((e & RECORD_CELL) == (moved & RECORD_CELL)) {
        if (!is_sub(e)) {
          hit = i32(k);
        } else if (first_sub < 0) {
          first_sub = i32(k);
        }
      }
    }
    if (hit < 0) {
      hit = first_sub;
    }
    if (hit >= 0) {
      list_remove(s, ENEMIES, u32(hit));
      list_remove(s, TORPEDOES, u32(i));
      reward += 1;
    }
  }
  return reward;
}

// Divers, last to first: picked up on the player's cell while there is room, else moved when due.
fn move_divers(s: ptr<function, EnvState>, player: u32) {
  for (var i = i32(list_count(s, DIVERS)) - 1; i >= 0; i--) {
    var diver = list_get(s, DIVERS, u32(i));
    let room = (*s).divers_held < MAX_DIVERS;
    var picked_up = (diver & RECORD_CELL) == player && room;
    if (!picked_up) {
      let timer = move_timer(diver);
      if (timer == 0) {
        let x = next_x(diver);
        if (!on_grid(x)) {
          list_remove(s, DIVERS, u32(i));
          continue;
        }
        diver = with_move_timer(with_x(diver, x), DIVER_MOVE_INTERVAL);
        picked_up = (diver & RECORD_CELL) == player && room;
      } else {
        diver = with_move_timer(diver, timer - 1);
      }
      list_set(s, DIVERS, u32(i), diver);
    }
    if (picked_up) {
      list_remove(s, DIVERS, u32(i));
      (*s).divers_held += 1;
    }
  }
}

// The subs (subs = true) or the fish, last to first: each touches the player, then moves when due,
// and may leave, meet the player, or meet a torpedo (both gone, +1). Subs then shoot when due.
fn move_enemies(s: ptr<function, EnvState>, player: u32, subs: bool) -> i32 {
  var reward = 0;
  for (var i = i32(list_count(s, ENEMIES)) - 1; i >= 0; i--) {
    var enemy = list_get(s, ENEMIES, u32(i));
    if (is_sub(enemy) != subs) {
      continue;
    }
    if ((enemy & RECORD_CELL) == player) {
      (*s).terminal = true;
    }
    var removed = false;
    var left_grid = false;
    let timer = move_timer(enemy);
    if (timer != 0) {
      enemy = with_move_timer(enemy, timer - 1);
    } else {
      enemy = with_move_timer(enemy, (*s).move_interval);
      let x = next_x(enemy);
      left_grid = !on_grid(x);
      removed = left_grid;
      if (!left_grid) {
        enemy = with_x(enemy, x);
        if ((enemy & RECORD_CELL) == player) {
          (*s).terminal = true;
        } else {
          let torpedo = list_find_cell(s, TORPEDOES, enemy & RECORD_CELL);
          if (torpedo >= 0) {
            list_remove(s, TORPEDOES, u32(torpedo));
            removed = true;
            reward += 1;
          }
        }
      }
    }
    if (subs) {
      // A sub removed just now still shoots if due, from its cell. Its bullet starts on that cell;
      // one from off the grid would leave in the bullet step without effect, so it is not added.
      let shot = shot_timer(enemy);
      if (shot == 0) {
        enemy = with_shot_timer(enemy, ENEMY_SHOT_INTERVAL);
        if (!left_grid) {
          list_append(s, ENEMY_BULLETS, enemy & (RECORD_CELL | RECORD_RIGHT));
        }
      } else {
        enemy = with_shot_timer(enemy, shot - 1);
      }
    }
    if (removed) {
      list_remove(s, ENEMIES, u32(i));
    } else {
      list_set(s, ENEMIES, u32(i), enemy);
    }
  }
  return reward;
}

// Enemy bullets, last to first (including those fired this step): hit the player before or after moving.
fn move_enemy_bullets(s: ptr<function, EnvState>, player: u32) {
  for (var i = i32(list_count(s, ENEMY_BULLETS)) - 1; i >= 0; i--) {
    let bullet = list_get(s, ENEMY_BULLETS, u32(i));
    if ((bullet & RECORD_CELL) == player) {
      (*s).terminal = true;
    }
    let x = next_x(bullet);
    if (!on_grid(x)) {
      list_remove(s, ENEMY_BULLETS, u32(i));
    } else {
      let moved = with_x(bullet, x);
      list_set(s, ENEMY_BULLETS, u32(i), moved);
      if ((moved & RECORD_CELL) == player) {
        (*s).terminal = true;
      }
    }
  }
}

// Refills oxygen, costs a diver (pays the bonus and empties the load when full) and ramps; returns the bonus.
fn surface(s: ptr<function, EnvState>) -> i32 {
  (*s).at_surface = true;
  var bonus = 0;
  if ((*s).divers_held == MAX_DIVERS) {
    (*s).divers_held = 0;
    // Oxygen is never negative here: a step that starts with it negative starts terminal.
    bonus = (*s).oxygen * GAUGE_CELLS / MAX_OXYGEN;
  }
  (*s).oxygen = MAX_OXYGEN;
  (*s).divers_held -= 1;
  let can_ramp_move = (*s).move_interval > MIN_ENEMY_MOVE_INTERVAL;
  let can_ramp_spawn = (*s).spawn_interval > MIN_ENEMY_SPAWN_INTERVAL;
  if (DIFFICULTY_RAMPING && (can_ramp_spawn || can_ramp_move)) {
    if (can_ramp_move && (*s).ramp_index % 2 == 1) {
      (*s).move_interval -= 1;
    }
    if (can_ramp_spawn) {
      (*s).spawn_interval -= 1;
    }
    (*s).ramp_index += 1;
  }
  return bonus;
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let applied = select(action, (*s).last_action, rng_uniform(rng) < STICKY_ACTION_PROB);
  (*s).last_action = applied;
  if ((*s).terminal) {
    return StepOut(0.0, true);
  }

  spawn(s, rng);

  // Fire while cooling down does nothing.
  if (applied == ACTION_FIRE) {
    if ((*s).shot_timer == 0) {
      list_append(s, TORPEDOES, cell((*s).sub_x, (*s).sub_y) | select(0u, RECORD_RIGHT, (*s).facing_right));
      (*s).shot_timer = SHOT_COOLDOWN;
    }
  } else if (applied == ACTION_LEFT) {
    (*s).sub_x = max(0, (*s).sub_x - 1);
    (*s).facing_right = false;
  } else if (applied == ACTION_RIGHT) {
    (*s).sub_x = min(LAST_COL, (*s).sub_x + 1);
    (*s).facing_right = true;
  } else if (applied == ACTION_UP) {
    (*s).sub_y = max(0, (*s).sub_y - 1);
  } else if (applied == ACTION_DOWN) {
    (*s).sub_y = min(DEEPEST_ROW, (*s).sub_y + 1);
  }

  // Being hit does not stop the step: everything below still runs, and rewards still count.
  let player = cell((*s).sub_x, (*s).sub_y);
  var reward = move_torpedoes(s);
  move_divers(s, player);
  reward += move_enemies(s, player, true);
  move_enemy_bullets(s, player);
  reward += move_enemies(s, player, false);

  if ((*s).spawn_timer > 0) {
    (*s).spawn_timer -= 1;
  }
  if ((*s).diver_timer > 0) {
    (*s).diver_timer -= 1;
  }
  if ((*s).shot_timer > 0) {
    (*s).shot_timer -= 1;
  }

  // Oxygen is tested before it drops: with full oxygen the game ends on the 201st step under water.
  if ((*s).oxygen <= 0) {
    (*s).terminal = true;
  }
  if ((*s).sub_y > 0) {
    (*s).oxygen -= 1;
    (*s).at_surface = false;
  } else if (!(*s).at_surface) {
    // Only exactly 0 divers ends the game; a negative count (after surfacing with a full load) does not.
    if ((*s).divers_held == 0) {
      (*s).terminal = true;
    } else {
      reward += surface(s);
    }
  }
  return StepOut(f32(reward), (*s).terminal);
}

// ---- Observation: one channel is 100 bits in a vec4<u32>, cell (row, col) at bit row · 10 + col.

alias Grid = vec4<u32>;

fn grid_cell(row: i32, col: i32) -> Grid {
  let k = u32(row * GRID_SIZE + col);
  return select(Grid(0u), Grid(1u << (k & 31u)), Grid(k >> 5u) == Grid(0u, 1u, 2u, 3u));
}

fn record_grid(r: u32) -> Grid {
  return grid_cell(record_y(r), record_x(r));
}

// The cell behind a mover (empty when that column is off the grid).
fn trail_grid(r: u32) -> Grid {
  let behind = record_x(r) + select(1, -1, moves_right(r));
  return select(Grid(0u), grid_cell(record_y(r), behind), on_grid(behind));
}

// Columns (bit col) of the gauge row, row 9: bits 90–99 are bits 26–31 of z and 0–3 of w.
fn gauge_grid(columns: u32) -> Grid {
  return Grid(0u, 0u, columns << 26u, columns >> 6u);
}

fn env_observe(s: EnvState) -> array<u32, OBS_WORDS> {
  // One copy to index: indexing the parameter itself copies it at every access.
  var state = s;
  var torpedoes = Grid(0u);
  for (var k = 0u; k < list_count(&state, TORPEDOES); k++) {
    torpedoes |= record_grid(list_get(&state, TORPEDOES, k));
  }
  var bullets = Grid(0u);
  for (var k = 0u; k < list_count(&state, ENEMY_BULLETS); k++) {
    bullets |= record_grid(list_get(&state, ENEMY_BULLETS, k));
  }
  var trail = Grid(0u);
  var fish = Grid(0u);
  var subs = Grid(0u);
  for (var k = 0u; k < list_count(&state, ENEMIES); k++) {
    let e = list_get(&state, ENEMIES, k);
    if (is_sub(e)) {
      subs |= record_grid(e);
    } else {
      fish |= record_grid(e);
    }
    trail |= trail_grid(e);
  }
  var divers = Grid(0u);
  for (var k = 0u; k < list_count(&state, DIVERS); k++) {
    let d = list_get(&state, DIVERS, k);
    divers |= record_grid(d);
    trail |= trail_grid(d);
  }
  let front = grid_cell(s.sub_y, s.sub_x);
  // The sub faces the way it last moved, so its back cell is always on the grid.
  let back = grid_cell(s.sub_y, s.sub_x + select(1, -1, s.facing_right));
  let oxygen_cells = u32(max(0, s.oxygen) * GAUGE_CELLS / MAX_OXYGEN);
  let oxygen = gauge_grid((1u << oxygen_cells) - 1u);
  // d divers held fill columns 9 − d … 8; none for d ≤ 0.
  let held = u32(max(0, s.divers_held));
  let diver_gauge = gauge_grid(((1u << held) - 1u) << (u32(LAST_COL) - held));
  return array<u32, OBS_WORDS>(
    front.x, front.y, front.z, front.w,
    back.x, back.y, back.z, back.w,
    torpedoes.x, torpedoes.y, torpedoes.z, torpedoes.w,
    trail.x, trail.y, trail.z, trail.w,
    bullets.x, bullets.y, bullets.z, bullets.w,
    fish.x, fish.y, fish.z, fish.w,
    subs.x, subs.y, subs.z, subs.w,
    oxygen.x, oxygen.y, oxygen.z, oxygen.w,
    diver_gauge.x, diver_gauge.y, diver_gauge.z, diver_gauge.w,
    divers.x, divers.y, divers.z, divers.w,
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
