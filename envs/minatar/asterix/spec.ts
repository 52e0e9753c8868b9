import type { RandomSource } from '../../../src/rng/source.ts';
import {
  Action,
  ACTION_COUNT,
  channelIndices,
  minatarEnv,
  GRID_SIZE,
  MINATAR_GAMES,
  minatarDefaults,
  observationWriter,
  StateReader,
  stickyAction,
  flag,
  word,
  type MinatarState,
  type StateWord,
} from '../common.ts';

/** MinAtar Asterix, rules in shared/specs/minatar/asterix.md. */
export const asterixParams = {
  ...minatarDefaults,
  spawnIntervalStart: 10,
  moveIntervalStart: 5,
  /** Ramping never lowers an interval below these. */
  minSpawnInterval: 1,
  minMoveInterval: 1,
  /** The ramp timer restarts here and counts down to −1 before each ramp (so a ramp every rampInterval + 2 steps). */
  rampInterval: 100,
  /** Chance that a spawned entity is gold rather than an enemy. */
  goldChance: 1 / 3,
};
export type AsterixParams = typeof asterixParams;

const LAST_COL = GRID_SIZE - 1;
const CHANNEL = channelIndices('asterix');
/** The player stays in rows 1–8, the lanes of the entities; rows 0 and 9 are empty. */
const TOP_LANE = 1;
const BOTTOM_LANE = 8;
/** One slot per lane: slot i holds at most one entity, on row i + 1. */
const SLOT_COUNT = BOTTOM_LANE - TOP_LANE + 1;
const PLAYER_START = 5;
/**
 * Ramps happen while an interval can still drop: the spawn interval drops on every ramp, the move
 * interval on every second one (9 ramps with the default params).
 */
const MAX_RAMP_INDEX = Math.max(
  asterixParams.spawnIntervalStart - asterixParams.minSpawnInterval,
  2 * (asterixParams.moveIntervalStart - asterixParams.minMoveInterval),
);

export interface AsterixEntity {
  x: number;
  /** Moves toward column 9 (else toward column 0). */
  right: boolean;
  gold: boolean;
}

export interface AsterixState extends MinatarState {
  playerX: number;
  playerY: number;
  /** Slot i is the lane on row i + 1; null when empty. */
  slots: (AsterixEntity | null)[];
  spawnInterval: number;
  spawnTimer: number;
  moveInterval: number;
  moveTimer: number;
  rampTimer: number;
  rampIndex: number;
}

export const asterixStateLayout: readonly StateWord[] = [
  word('player_x', 0, LAST_COL),
  word('player_y', TOP_LANE, BOTTOM_LANE),
  ...Array.from({ length: SLOT_COUNT }, (_, i) => [
    flag(`slot_${i}_active`),
    word(`slot_${i}_x`, 0, LAST_COL),
    flag(`slot_${i}_right`),
    flag(`slot_${i}_gold`),
  ]).flat(),
  word('spawn_interval', asterixParams.minSpawnInterval, asterixParams.spawnIntervalStart),
  word('spawn_timer', 0, asterixParams.spawnIntervalStart),
  word('move_interval', asterixParams.minMoveInterval, asterixParams.moveIntervalStart),
  word('move_timer', 0, asterixParams.moveIntervalStart),
  word('ramp_timer', -1, asterixParams.rampInterval),
  word('ramp_index', 0, MAX_RAMP_INDEX),
  flag('terminal'),
  word('last_action', 0, ACTION_COUNT - 1),
];

function reset(p: AsterixParams): AsterixState {
  return {
    playerX: PLAYER_START,
    playerY: PLAYER_START,
    slots: new Array(SLOT_COUNT).fill(null),
    spawnInterval: p.spawnIntervalStart,
    spawnTimer: p.spawnIntervalStart,
    moveInterval: p.moveIntervalStart,
    moveTimer: p.moveIntervalStart,
    rampTimer: p.rampInterval,
    rampIndex: 0,
    terminal: false,
    lastAction: Action.noop,
  };
}

/** Both uniform draws happen even when every lane is full; only then is the lane drawn. */
function spawn(p: AsterixParams, s: AsterixState, rng: RandomSource): void {
  const right = rng.uniform() < 0.5;
  const gold = rng.uniform() < p.goldChance;
  const emptySlots = s.slots.flatMap((entity, i) => (entity === null ? [i] : []));
  if (emptySlots.length === 0) return;
  const slot = emptySlots[rng.int(0, emptySlots.length)];
  s.slots[slot] = { x: right ? 0 : LAST_COL, right, gold };
}

/** The player meets the entity of `slot`: gold is collected (returns 1), an enemy ends the game but stays. */
function contact(s: AsterixState, slot: number): number {
  if (s.slots[slot]!.gold) {
    s.slots[slot] = null;
    return 1;
  }
  s.terminal = true;
  return 0;
}

function step(p: AsterixParams, state: AsterixState, action: number, rng: RandomSource) {
  const applied = stickyAction(p, state.lastAction, action, rng);
  const s: AsterixState = { ...state, slots: state.slots.map((entity) => entity && { ...entity }), lastAction: applied };
  if (s.terminal) return { state: s, reward: 0, terminated: true };

  if (s.spawnTimer === 0) {
    spawn(p, s, rng);
    s.spawnTimer = s.spawnInterval;
  }

  if (applied === Action.left) s.playerX = Math.max(0, s.playerX - 1);
  else if (applied === Action.right) s.playerX = Math.min(LAST_COL, s.playerX + 1);
  else if (applied === Action.up) s.playerY = Math.max(TOP_LANE, s.playerY - 1);
  else if (applied === Action.down) s.playerY = Math.min(BOTTOM_LANE, s.playerY + 1);

  // Hitting an enemy does not stop the step: later slots still move and gold still counts.
  let reward = 0;
  const onPlayer = (slot: number) => s.slots[slot]?.x === s.playerX && slot + TOP_LANE === s.playerY;
  // Walking onto an entity counts on every step, also when the entities do not move.
  for (let slot = 0; slot < SLOT_COUNT; slot++) if (onPlayer(slot)) reward += contact(s, slot);

  if (s.moveTimer === 0) {
    s.moveTimer = s.moveInterval;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const entity = s.slots[slot];
      if (entity === null) continue;
      entity.x += entity.right ? 1 : -1;
      if (entity.x < 0 || entity.x > LAST_COL) s.slots[slot] = null;
      else if (onPlayer(slot)) reward += contact(s, slot);
    }
  }

  // Reloaded timers are decremented in the same step, so an interval k recurs every k steps.
  s.spawnTimer -= 1;
  s.moveTimer -= 1;

  if (p.difficultyRamping && (s.spawnInterval > p.minSpawnInterval || s.moveInterval > p.minMoveInterval)) {
    if (s.rampTimer >= 0) {
      s.rampTimer -= 1;
    } else {
      if (s.moveInterval > p.minMoveInterval && s.rampIndex % 2 === 1) s.moveInterval -= 1;
      if (s.spawnInterval > p.minSpawnInterval) s.spawnInterval -= 1;
      s.rampIndex += 1;
      s.rampTimer = p.rampInterval;
    }
  }
  return { state: s, reward, terminated: s.terminal };
}

function observe(_p: AsterixParams, s: AsterixState, out: Float32Array, offset: number): void {
  const set = observationWriter(out, offset, MINATAR_GAMES.asterix.channels.length);
  set(s.playerY, s.playerX, CHANNEL.player);
  s.slots.forEach((entity, slot) => {
    if (entity === null) return;
    const row = slot + TOP_LANE;
    set(row, entity.x, entity.gold ? CHANNEL.gold : CHANNEL.enemy);
    const behind = entity.x + (entity.right ? -1 : 1);
    if (behind >= 0 && behind <= LAST_COL) set(row, behind, CHANNEL.trail);
  });
}

function encodeState(s: AsterixState): number[] {
  return [
    s.playerX,
    s.playerY,
    ...s.slots.flatMap((entity) => (entity === null ? [0, 0, 0, 0] : [1, entity.x, +entity.right, +entity.gold])),
    s.spawnInterval,
    s.spawnTimer,
    s.moveInterval,
    s.moveTimer,
    s.rampTimer,
    s.rampIndex,
    +s.terminal,
    s.lastAction,
  ];
}

function decodeState(values: ArrayLike<number>): AsterixState {
  const r = new StateReader(values);
  return {
    playerX: r.next(),
    playerY: r.next(),
    slots: Array.from({ length: SLOT_COUNT }, () => {
      const active = r.flag();
      const entity = { x: r.next(), right: r.flag(), gold: r.flag() };
      return active ? entity : null;
    }),
    spawnInterval: r.next(),
    spawnTimer: r.next(),
    moveInterval: r.next(),
    moveTimer: r.next(),
    rampTimer: r.next(),
    rampIndex: r.next(),
    terminal: r.flag(),
    lastAction: r.next(),
  };
}

export const asterix = minatarEnv<AsterixState, AsterixParams>('asterix', {
  description: 'MinAtar Asterix: collect gold and dodge enemies crossing eight lanes',
  stateLayout: asterixStateLayout,
  params: asterixParams,
  reset,
  step,
  observe,
  encodeState,
  decodeState,
});
