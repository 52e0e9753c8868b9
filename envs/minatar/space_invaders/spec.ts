import type { RandomSource } from '../../../src/rng/source.ts';
import {
  Action,
  ACTION_COUNT,
  channelIndices,
  minatarEnv,
  countBits,
  FULL_ROW,
  GRID_SIZE,
  hasBit,
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

/** MinAtar Space Invaders, rules in shared/specs/minatar/space_invaders.md. No randomness besides the sticky action. */
export const spaceInvadersParams = {
  ...minatarDefaults,
  /** Steps between two cannon shots. */
  shotCooldown: 5,
  moveIntervalStart: 12,
  /** Ramping lowers the alien move interval by one per cleared wave, down to this. */
  minMoveInterval: 6,
  /** Steps between two alien shots. */
  alienShotInterval: 10,
};
export type SpaceInvadersParams = typeof spaceInvadersParams;

const BOTTOM_ROW = GRID_SIZE - 1;
const LAST_COL = GRID_SIZE - 1;
const CHANNEL = channelIndices('space_invaders');
const CANNON_START = 5;
/** A wave fills rows 0–3 × columns 2–7. */
const WAVE_ROWS = 4;
const WAVE_ROW_MASK = 0b0011111100;
const LEFT = -1;
const RIGHT = 1;

/**
 * Aliens and bullets are 10×10 boolean grids in the original; here each is one bitmask per row
 * (bit c = column c), which is what a kernel keeps too.
 */
export interface SpaceInvadersState extends MinatarState {
  cannonX: number;
  aliens: number[];
  alienDir: number;
  moveInterval: number;
  /** Steps until the aliens move. */
  moveTimer: number;
  /** Steps until an alien shoots. */
  alienShotTimer: number;
  /** Cannon cool-down. */
  shotTimer: number;
  /** Cannon bullets (move up) and alien bullets (move down). */
  friendlyBullets: number[];
  enemyBullets: number[];
  /** Waves cleared with a speed-up. */
  rampIndex: number;
}

const gridWords = (name: string) => Array.from({ length: GRID_SIZE }, (_, row) => word(`${name}_row_${row}`, 0, FULL_ROW));

export const spaceInvadersStateLayout: readonly StateWord[] = [
  word('cannon_x', 0, LAST_COL),
  ...gridWords('alien'),
  word('alien_dir', LEFT, RIGHT),
  word('move_interval', spaceInvadersParams.minMoveInterval, spaceInvadersParams.moveIntervalStart),
  word('move_timer', 0, spaceInvadersParams.moveIntervalStart),
  word('alien_shot_timer', 0, spaceInvadersParams.alienShotInterval),
  word('shot_timer', 0, spaceInvadersParams.shotCooldown),
  ...gridWords('friendly_bullet'),
  ...gridWords('enemy_bullet'),
  word('ramp_index', 0, spaceInvadersParams.moveIntervalStart - spaceInvadersParams.minMoveInterval),
  flag('terminal'),
  word('last_action', 0, ACTION_COUNT - 1),
];

const newWave = () => Array.from({ length: GRID_SIZE }, (_, row) => (row < WAVE_ROWS ? WAVE_ROW_MASK : 0));
const emptyGrid = () => new Array<number>(GRID_SIZE).fill(0);
const anyAt = (grid: number[], row: number, col: number) => hasBit(grid[row], col);

function reset(p: SpaceInvadersParams): SpaceInvadersState {
  return {
    cannonX: CANNON_START,
    aliens: newWave(),
    alienDir: LEFT,
    moveInterval: p.moveIntervalStart,
    moveTimer: p.moveIntervalStart,
    alienShotTimer: p.alienShotInterval,
    shotTimer: 0,
    friendlyBullets: emptyGrid(),
    enemyBullets: emptyGrid(),
    rampIndex: 0,
    terminal: false,
    lastAction: Action.noop,
  };
}

/** The aliens march one column, or, at the edge they are heading to, turn and step down one row. */
function moveAliens(s: SpaceInvadersState): void {
  const occupiedColumns = s.aliens.reduce((all, row) => all | row, 0);
  const atEdge = s.alienDir === LEFT ? hasBit(occupiedColumns, 0) : hasBit(occupiedColumns, LAST_COL);
  if (atEdge) {
    s.alienDir = -s.alienDir;
    if (s.aliens[BOTTOM_ROW] !== 0) s.terminal = true;
    // The step down wraps: aliens on the bottom row reappear on row 0.
    s.aliens = [s.aliens[BOTTOM_ROW], ...s.aliens.slice(0, BOTTOM_ROW)];
  } else {
    s.aliens = s.aliens.map((row) => (s.alienDir === LEFT ? row >> 1 : (row << 1) & FULL_ROW));
  }
  if (anyAt(s.aliens, BOTTOM_ROW, s.cannonX)) s.terminal = true;
}

/** The alien nearest the cannon's column (the lower column on a tie) that is lowest in its column shoots. */
function alienShoots(s: SpaceInvadersState): void {
  for (let distance = 0; distance < GRID_SIZE; distance++) {
    for (const col of distance === 0 ? [s.cannonX] : [s.cannonX - distance, s.cannonX + distance]) {
      if (col < 0 || col > LAST_COL) continue;
      for (let row = BOTTOM_ROW; row >= 0; row--) {
        if (anyAt(s.aliens, row, col)) {
          s.enemyBullets[row] |= 1 << col;
          return;
        }
      }
    }
  }
}

function step(p: SpaceInvadersParams, state: SpaceInvadersState, action: number, rng: RandomSource) {
  const applied = stickyAction(p, state.lastAction, action, rng);
  const s: SpaceInvadersState = {
    ...state,
    aliens: [...state.aliens],
    friendlyBullets: [...state.friendlyBullets],
    enemyBullets: [...state.enemyBullets],
    lastAction: applied,
  };
  if (s.terminal) return { state: s, reward: 0, terminated: true };

  if (applied === Action.fire) {
    // Fire while cooling down does nothing, not even a move.
    if (s.shotTimer === 0) {
      s.friendlyBullets[BOTTOM_ROW] |= 1 << s.cannonX;
      s.shotTimer = p.shotCooldown;
    }
  } else if (applied === Action.left) {
    s.cannonX = Math.max(0, s.cannonX - 1);
  } else if (applied === Action.right) {
    s.cannonX = Math.min(LAST_COL, s.cannonX + 1);
  }

  // A bullet fired this step moves to row 8 at once; bullets leaving the grid are gone.
  s.friendlyBullets = [...s.friendlyBullets.slice(1), 0];
  s.enemyBullets = [0, ...s.enemyBullets.slice(0, BOTTOM_ROW)];
  if (anyAt(s.enemyBullets, BOTTOM_ROW, s.cannonX)) s.terminal = true;
  if (anyAt(s.aliens, BOTTOM_ROW, s.cannonX)) s.terminal = true;

  if (s.moveTimer === 0) {
    // Fewer aliens move faster: the last one moves every step.
    s.moveTimer = Math.min(s.aliens.reduce((count, row) => count + countBits(row), 0), s.moveInterval);
    moveAliens(s);
  }

  if (s.alienShotTimer === 0) {
    s.alienShotTimer = p.alienShotInterval;
    alienShoots(s);
  }

  // Hits are checked only after bullets and aliens have both moved, so the two can pass each other.
  let reward = 0;
  for (let row = 0; row < GRID_SIZE; row++) {
    const hits = s.aliens[row] & s.friendlyBullets[row];
    reward += countBits(hits);
    s.aliens[row] &= ~hits;
    s.friendlyBullets[row] &= ~hits;
  }

  // Reloaded timers are decremented in the same step, so an interval k recurs every k steps.
  if (s.shotTimer > 0) s.shotTimer -= 1;
  s.moveTimer -= 1;
  s.alienShotTimer -= 1;

  if (s.aliens.every((row) => row === 0)) {
    if (p.difficultyRamping && s.moveInterval > p.minMoveInterval) {
      s.moveInterval -= 1;
      s.rampIndex += 1;
    }
    // The new wave keeps the old direction and move timer.
    s.aliens = newWave();
  }
  return { state: s, reward, terminated: s.terminal };
}

function observe(_p: SpaceInvadersParams, s: SpaceInvadersState, out: Float32Array, offset: number): void {
  const set = observationWriter(out, offset, MINATAR_GAMES.space_invaders.channels.length);
  set(BOTTOM_ROW, s.cannonX, CHANNEL.cannon);
  const directionChannel = s.alienDir < 0 ? CHANNEL.alien_left : CHANNEL.alien_right;
  for (let row = 0; row < GRID_SIZE; row++) {
    for (let col = 0; col < GRID_SIZE; col++) {
      if (anyAt(s.aliens, row, col)) {
        set(row, col, CHANNEL.alien);
        set(row, col, directionChannel);
      }
      if (anyAt(s.friendlyBullets, row, col)) set(row, col, CHANNEL.friendly_bullet);
      if (anyAt(s.enemyBullets, row, col)) set(row, col, CHANNEL.enemy_bullet);
    }
  }
}

function encodeState(s: SpaceInvadersState): number[] {
  return [
    s.cannonX,
    ...s.aliens,
    s.alienDir,
    s.moveInterval,
    s.moveTimer,
    s.alienShotTimer,
    s.shotTimer,
    ...s.friendlyBullets,
    ...s.enemyBullets,
    s.rampIndex,
    +s.terminal,
    s.lastAction,
  ];
}

function decodeState(values: ArrayLike<number>): SpaceInvadersState {
  const r = new StateReader(values);
  const grid = () => Array.from({ length: GRID_SIZE }, () => r.next());
  return {
    cannonX: r.next(),
    aliens: grid(),
    alienDir: r.next(),
    moveInterval: r.next(),
    moveTimer: r.next(),
    alienShotTimer: r.next(),
    shotTimer: r.next(),
    friendlyBullets: grid(),
    enemyBullets: grid(),
    rampIndex: r.next(),
    terminal: r.flag(),
    lastAction: r.next(),
  };
}

export const spaceInvaders = minatarEnv<SpaceInvadersState, SpaceInvadersParams>('space_invaders', {
  description: 'MinAtar Space Invaders: shoot down the marching aliens before they or their bullets reach the cannon',
  stateLayout: spaceInvadersStateLayout,
  params: spaceInvadersParams,
  reset,
  step,
  observe,
  encodeState,
  decodeState,
});
