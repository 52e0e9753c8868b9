import type { RandomSource } from '../../../src/rng/source.ts';
import {
  Action,
  ACTION_COUNT,
  channelIndices,
  minatarEnv,
  FixedList,
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

/** MinAtar Seaquest, rules in shared/specs/minatar/seaquest.md. */
export const seaquestParams = {
  ...minatarDefaults,
  maxOxygen: 200,
  enemySpawnIntervalStart: 20,
  enemyMoveIntervalStart: 5,
  /** Ramping never lowers the enemy intervals below these. */
  minEnemySpawnInterval: 1,
  minEnemyMoveInterval: 2,
  diverSpawnInterval: 30,
  diverMoveInterval: 5,
  /** Steps between two player torpedoes. */
  shotCooldown: 5,
  /** Steps between two shots of an enemy sub (it fires every enemyShotInterval + 1 steps). */
  enemyShotInterval: 10,
  /** Divers the player can carry; surfacing with this many pays the oxygen bonus. */
  maxDivers: 6,
  /** Chance that a spawned enemy is a sub rather than a fish. */
  enemySubChance: 1 / 3,
};
export type SeaquestParams = typeof seaquestParams;

const LAST_COL = GRID_SIZE - 1;
const CHANNEL = channelIndices('seaquest');
/** The player moves in rows 0 (the surface) to 8; enemies and divers cross in rows 1–8; row 9 holds the gauges. */
const DEEPEST_ROW = 8;
const GAUGE_ROW = 9;
const SUB_START_X = 5;
/** The gauges show oxygen and the divers held in tenths of the grid width. */
const GAUGE_CELLS = GRID_SIZE;

/**
 * List capacities, from the rules with the default params:
 * - torpedoes: one per shotCooldown (5) steps, each gone after at most 10 moves (one per step), so at
 *   most 2 exist at any moment of a step;
 * - divers: one per diverSpawnInterval (30) steps, each gone at its 10th move, at most 5 + 9·6 = 59
 *   steps after spawning: at most 2;
 * - enemies (fish and subs): at most one spawn per step. From ramp index 6 on the move interval is 2,
 *   so an enemy spawned then is gone 2 + 9·3 = 29 steps later: at most 30 of those exist at once.
 *   Before ramp index 6 the spawn interval is still ≥ 15, so those spawns come ≥ 15 steps apart, and
 *   each lives at most 5 + 9·6 = 59 steps: at most 2 more that were spawned over 29 steps ago. 32;
 * - enemy bullets: a bullet lives at most 10 steps and a sub fires once per 11 steps, so the bullets of
 *   one moment come from distinct subs that all existed 9 steps earlier: at most 32.
 */
const TORPEDO_CAPACITY = 2;
const DIVER_CAPACITY = 2;
const ENEMY_CAPACITY = 32;
const ENEMY_BULLET_CAPACITY = 32;

/** Something crossing a row horizontally. */
export interface Mover {
  x: number;
  y: number;
  /** Moves toward column 9 (else toward column 0). */
  right: boolean;
}

export interface Diver extends Mover {
  moveTimer: number;
}

export interface Enemy extends Mover {
  /** An enemy sub (shoots) rather than a fish. */
  isSub: boolean;
  moveTimer: number;
  /** Steps until a sub shoots; unused (0) for fish. */
  shotTimer: number;
}

export interface SeaquestState extends MinatarState {
  /** The player's front cell; the back cell is behind it, opposite to where it faces. */
  subX: number;
  subY: number;
  facingRight: boolean;
  oxygen: number;
  /** Divers carried; surfacing with maxDivers leaves it at −1 and it can keep dropping from there. */
  diversHeld: number;
  torpedoes: Mover[];
  enemyBullets: Mover[];
  /**
   * Fish and subs in one list in spawn order. The original keeps two lists; each kind's order is the
   * same here, and every rule visits one kind at a time, so one list of half the size does.
   */
  enemies: Enemy[];
  divers: Diver[];
  spawnInterval: number;
  spawnTimer: number;
  diverTimer: number;
  moveInterval: number;
  /** Player torpedo cool-down. */
  shotTimer: number;
  rampIndex: number;
  /** The player has already been handled at the surface. */
  atSurface: boolean;
}

const moverFields = (minRow: number) => [word('x', 0, LAST_COL), word('y', minRow, DEEPEST_ROW), flag('right')];
const moverWords = (m: Mover) => [m.x, m.y, +m.right];
const readMover = (next: () => number): Mover => ({ x: next(), y: next(), right: next() !== 0 });

const torpedoList = new FixedList<Mover>('torpedo', TORPEDO_CAPACITY, moverFields(0), moverWords, readMover);
const enemyBulletList = new FixedList<Mover>('enemy_bullet', ENEMY_BULLET_CAPACITY, moverFields(1), moverWords, readMover);
const enemyList = new FixedList<Enemy>(
  'enemy',
  ENEMY_CAPACITY,
  [...moverFields(1), flag('is_sub'), word('move_timer', 0, seaquestParams.enemyMoveIntervalStart), word('shot_timer', 0, seaquestParams.enemyShotInterval)],
  (e) => [...moverWords(e), +e.isSub, e.moveTimer, e.shotTimer],
  (next) => ({ ...readMover(next), isSub: next() !== 0, moveTimer: next(), shotTimer: next() }),
);
const diverList = new FixedList<Diver>(
  'diver',
  DIVER_CAPACITY,
  [...moverFields(1), word('move_timer', 0, seaquestParams.diverMoveInterval)],
  (d) => [...moverWords(d), d.moveTimer],
  (next) => ({ ...readMover(next), moveTimer: next() }),
);

export const seaquestStateLayout: readonly StateWord[] = [
  word('sub_x', 0, LAST_COL),
  word('sub_y', 0, DEEPEST_ROW),
  flag('facing_right'),
  // Oxygen is tested before it drops, so the last step under water leaves it at −1.
  word('oxygen', -1, seaquestParams.maxOxygen),
  // Surfacing with a negative count does not end the game, so it can drop by one per two steps (i32).
  word('divers_held', -(2 ** 31), seaquestParams.maxDivers),
  ...torpedoList.words,
  ...enemyBulletList.words,
  ...enemyList.words,
  ...diverList.words,
  word('spawn_interval', seaquestParams.minEnemySpawnInterval, seaquestParams.enemySpawnIntervalStart),
  word('spawn_timer', 0, seaquestParams.enemySpawnIntervalStart),
  word('diver_timer', 0, seaquestParams.diverSpawnInterval),
  word('move_interval', seaquestParams.minEnemyMoveInterval, seaquestParams.enemyMoveIntervalStart),
  word('shot_timer', 0, seaquestParams.shotCooldown),
  // Ramps stop once both intervals reach their minimum: the spawn interval drops on every ramp.
  word('ramp_index', 0, seaquestParams.enemySpawnIntervalStart - seaquestParams.minEnemySpawnInterval),
  flag('at_surface'),
  flag('terminal'),
  word('last_action', 0, ACTION_COUNT - 1),
];

function reset(p: SeaquestParams): SeaquestState {
  return {
    subX: SUB_START_X,
    subY: 0,
    facingRight: false,
    oxygen: p.maxOxygen,
    diversHeld: 0,
    torpedoes: [],
    enemyBullets: [],
    enemies: [],
    divers: [],
    spawnInterval: p.enemySpawnIntervalStart,
    spawnTimer: p.enemySpawnIntervalStart,
    diverTimer: p.diverSpawnInterval,
    moveInterval: p.enemyMoveIntervalStart,
    shotTimer: 0,
    rampIndex: 0,
    atSurface: true,
    terminal: false,
    lastAction: Action.noop,
  };
}

const edgeColumn = (right: boolean) => (right ? 0 : LAST_COL);
const advance = (m: Mover) => {
  m.x += m.right ? 1 : -1;
};
const offScreen = (m: Mover) => m.x < 0 || m.x > LAST_COL;
const sameCell = (a: Mover) => (b: Mover) => a.x === b.x && a.y === b.y;

/** All three draws are spent even when the row has an enemy moving the other way and nothing spawns. */
function spawnEnemy(p: SeaquestParams, s: SeaquestState, rng: RandomSource): void {
  const right = rng.uniform() < 0.5;
  const isSub = rng.uniform() < p.enemySubChance;
  const y = rng.int(1, DEEPEST_ROW + 1);
  if (s.enemies.some((e) => e.y === y && e.right !== right)) return;
  s.enemies.push({ x: edgeColumn(right), y, right, isSub, moveTimer: s.moveInterval, shotTimer: isSub ? p.enemyShotInterval : 0 });
}

function spawnDiver(p: SeaquestParams, s: SeaquestState, rng: RandomSource): void {
  const right = rng.uniform() < 0.5;
  const y = rng.int(1, DEEPEST_ROW + 1);
  s.divers.push({ x: edgeColumn(right), y, right, moveTimer: p.diverMoveInterval });
}

function step(p: SeaquestParams, state: SeaquestState, action: number, rng: RandomSource) {
  const applied = stickyAction(p, state.lastAction, action, rng);
  const s: SeaquestState = {
    ...state,
    torpedoes: state.torpedoes.map((t) => ({ ...t })),
    enemyBullets: state.enemyBullets.map((b) => ({ ...b })),
    enemies: state.enemies.map((e) => ({ ...e })),
    divers: state.divers.map((d) => ({ ...d })),
    lastAction: applied,
  };
  if (s.terminal) return { state: s, reward: 0, terminated: true };

  if (s.spawnTimer === 0) {
    spawnEnemy(p, s, rng);
    s.spawnTimer = s.spawnInterval;
  }
  if (s.diverTimer === 0) {
    spawnDiver(p, s, rng);
    s.diverTimer = p.diverSpawnInterval;
  }

  if (applied === Action.fire && s.shotTimer === 0) {
    s.torpedoes.push({ x: s.subX, y: s.subY, right: s.facingRight });
    s.shotTimer = p.shotCooldown;
  } else if (applied === Action.left) {
    s.subX = Math.max(0, s.subX - 1);
    s.facingRight = false;
  } else if (applied === Action.right) {
    s.subX = Math.min(LAST_COL, s.subX + 1);
    s.facingRight = true;
  } else if (applied === Action.up) {
    s.subY = Math.max(0, s.subY - 1);
  } else if (applied === Action.down) {
    s.subY = Math.min(DEEPEST_ROW, s.subY + 1);
  }

  // Being hit does not stop the step: everything below still runs, and rewards still count.
  // The lists are visited from the last element to the first, as the original does; removing the
  // visited element leaves the earlier ones in place.
  let reward = 0;
  const onPlayer = (m: Mover) => m.x === s.subX && m.y === s.subY;

  for (let i = s.torpedoes.length - 1; i >= 0; i--) {
    const torpedo = s.torpedoes[i];
    advance(torpedo);
    if (offScreen(torpedo)) {
      s.torpedoes.splice(i, 1);
      continue;
    }
    const onTorpedo = sameCell(torpedo);
    let target = s.enemies.findIndex((e) => !e.isSub && onTorpedo(e));
    if (target < 0) target = s.enemies.findIndex((e) => e.isSub && onTorpedo(e));
    if (target >= 0) {
      s.enemies.splice(target, 1);
      s.torpedoes.splice(i, 1);
      reward += 1;
    }
  }

  const canPickUp = (diver: Diver) => onPlayer(diver) && s.diversHeld < p.maxDivers;
  for (let i = s.divers.length - 1; i >= 0; i--) {
    const diver = s.divers[i];
    let pickedUp = canPickUp(diver);
    if (!pickedUp) {
      if (diver.moveTimer === 0) {
        diver.moveTimer = p.diverMoveInterval;
        advance(diver);
        if (offScreen(diver)) {
          s.divers.splice(i, 1);
          continue;
        }
        pickedUp = canPickUp(diver);
      } else {
        diver.moveTimer -= 1;
      }
    }
    if (pickedUp) {
      s.divers.splice(i, 1);
      s.diversHeld += 1;
    }
  }

  /** Touch, then maybe move (and meet the player or a torpedo) the enemy at index i; returns its reward. */
  const moveEnemy = (i: number): number => {
    const enemy = s.enemies[i];
    if (onPlayer(enemy)) s.terminal = true;
    if (enemy.moveTimer !== 0) {
      enemy.moveTimer -= 1;
      return 0;
    }
    enemy.moveTimer = s.moveInterval;
    advance(enemy);
    if (offScreen(enemy)) {
      s.enemies.splice(i, 1);
    } else if (onPlayer(enemy)) {
      s.terminal = true;
    } else {
      const torpedo = s.torpedoes.findIndex(sameCell(enemy));
      if (torpedo >= 0) {
        s.torpedoes.splice(torpedo, 1);
        s.enemies.splice(i, 1);
        return 1;
      }
    }
    return 0;
  };

  for (let i = s.enemies.length - 1; i >= 0; i--) {
    const sub = s.enemies[i];
    if (!sub.isSub) continue;
    reward += moveEnemy(i);
    // A sub removed just now still shoots if due, from its last cell (a bullet from off-screen is
    // removed below without effect). The bullet starts on the sub's own cell.
    if (sub.shotTimer === 0) {
      sub.shotTimer = p.enemyShotInterval;
      s.enemyBullets.push({ x: sub.x, y: sub.y, right: sub.right });
    } else {
      sub.shotTimer -= 1;
    }
  }

  for (let i = s.enemyBullets.length - 1; i >= 0; i--) {
    const bullet = s.enemyBullets[i];
    if (onPlayer(bullet)) s.terminal = true;
    advance(bullet);
    if (offScreen(bullet)) s.enemyBullets.splice(i, 1);
    else if (onPlayer(bullet)) s.terminal = true;
  }

  for (let i = s.enemies.length - 1; i >= 0; i--) {
    if (!s.enemies[i].isSub) reward += moveEnemy(i);
  }

  if (s.spawnTimer > 0) s.spawnTimer -= 1;
  if (s.diverTimer > 0) s.diverTimer -= 1;
  if (s.shotTimer > 0) s.shotTimer -= 1;

  // Oxygen is tested before it drops: with full oxygen the game ends on the 201st step under water.
  if (s.oxygen <= 0) s.terminal = true;
  if (s.subY > 0) {
    s.oxygen -= 1;
    s.atSurface = false;
  } else if (!s.atSurface) {
    // Only exactly 0 divers ends the game; a negative count (after surfacing with a full load) does not.
    if (s.diversHeld === 0) s.terminal = true;
    else reward += surface(p, s);
  }
  return { state: s, reward, terminated: s.terminal };
}

/** Refills oxygen, costs a diver (pays the bonus and empties the load when full) and ramps; returns the bonus. */
function surface(p: SeaquestParams, s: SeaquestState): number {
  s.atSurface = true;
  let bonus = 0;
  if (s.diversHeld === p.maxDivers) {
    s.diversHeld = 0;
    bonus = Math.floor((s.oxygen * GAUGE_CELLS) / p.maxOxygen);
  }
  s.oxygen = p.maxOxygen;
  s.diversHeld -= 1;
  if (p.difficultyRamping && (s.spawnInterval > p.minEnemySpawnInterval || s.moveInterval > p.minEnemyMoveInterval)) {
    if (s.moveInterval > p.minEnemyMoveInterval && s.rampIndex % 2 === 1) s.moveInterval -= 1;
    if (s.spawnInterval > p.minEnemySpawnInterval) s.spawnInterval -= 1;
    s.rampIndex += 1;
  }
  return bonus;
}

function observe(p: SeaquestParams, s: SeaquestState, out: Float32Array, offset: number): void {
  const set = observationWriter(out, offset, MINATAR_GAMES.seaquest.channels.length);
  set(s.subY, s.subX, CHANNEL.sub_front);
  // The sub faces the way it last moved, so its back cell is always on the grid.
  set(s.subY, s.facingRight ? s.subX - 1 : s.subX + 1, CHANNEL.sub_back);
  for (const torpedo of s.torpedoes) set(torpedo.y, torpedo.x, CHANNEL.friendly_bullet);
  for (const bullet of s.enemyBullets) set(bullet.y, bullet.x, CHANNEL.enemy_bullet);
  const withTrail = (m: Mover, channel: number) => {
    set(m.y, m.x, channel);
    const behind = m.x + (m.right ? -1 : 1);
    if (behind >= 0 && behind <= LAST_COL) set(m.y, behind, CHANNEL.trail);
  };
  for (const enemy of s.enemies) withTrail(enemy, enemy.isSub ? CHANNEL.enemy_sub : CHANNEL.enemy_fish);
  for (const diver of s.divers) withTrail(diver, CHANNEL.diver);
  // observe() gets no params: the gauge is scaled by the default maximum.
  const oxygenCells = Math.floor((Math.max(0, s.oxygen) * GAUGE_CELLS) / p.maxOxygen);
  for (let col = 0; col < oxygenCells; col++) set(GAUGE_ROW, col, CHANNEL.oxygen_gauge);
  for (let d = 1; d <= s.diversHeld; d++) set(GAUGE_ROW, LAST_COL - d, CHANNEL.diver_gauge);
}

function encodeState(s: SeaquestState): number[] {
  const words = [s.subX, s.subY, +s.facingRight, s.oxygen, s.diversHeld];
  torpedoList.encode(s.torpedoes, words);
  enemyBulletList.encode(s.enemyBullets, words);
  enemyList.encode(s.enemies, words);
  diverList.encode(s.divers, words);
  words.push(s.spawnInterval, s.spawnTimer, s.diverTimer, s.moveInterval, s.shotTimer, s.rampIndex, +s.atSurface, +s.terminal, s.lastAction);
  return words;
}

function decodeState(values: ArrayLike<number>): SeaquestState {
  const r = new StateReader(values);
  return {
    subX: r.next(),
    subY: r.next(),
    facingRight: r.flag(),
    oxygen: r.next(),
    diversHeld: r.next(),
    torpedoes: torpedoList.decode(r),
    enemyBullets: enemyBulletList.decode(r),
    enemies: enemyList.decode(r),
    divers: diverList.decode(r),
    spawnInterval: r.next(),
    spawnTimer: r.next(),
    diverTimer: r.next(),
    moveInterval: r.next(),
    shotTimer: r.next(),
    rampIndex: r.next(),
    atSurface: r.flag(),
    terminal: r.flag(),
    lastAction: r.next(),
  };
}

export const seaquest = minatarEnv<SeaquestState, SeaquestParams>('seaquest', {
  description: 'MinAtar Seaquest: torpedo fish and subs, rescue divers and surface before the oxygen runs out',
  stateLayout: seaquestStateLayout,
  params: seaquestParams,
  reset,
  step,
  observe,
  encodeState,
  decodeState,
});
