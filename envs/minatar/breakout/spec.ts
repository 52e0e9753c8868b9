import type { RandomSource } from '../../../src/rng/source.ts';
import {
  Action,
  ACTION_COUNT,
  channelIndices,
  minatarEnv,
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

/** MinAtar Breakout, rules in shared/specs/minatar/breakout.md. Breakout has no constants to tune and never ramps. */
export const breakoutParams = { ...minatarDefaults };
export type BreakoutParams = typeof breakoutParams;

/** Bricks only ever exist in rows 1–3 (set at reset and refill, never added elsewhere). */
const FIRST_BRICK_ROW = 1;
const BRICK_ROWS = 3;
const BOTTOM_ROW = GRID_SIZE - 1;
const LAST_COL = GRID_SIZE - 1;
const CHANNEL = channelIndices('breakout');
const PADDLE_START = 4;
const BALL_START_ROW = 3;

/** Ball directions; "up" is decreasing row, "left" decreasing column. */
const Dir = { upLeft: 0, upRight: 1, downRight: 2, downLeft: 3 } as const;
const STEP_COL = [-1, 1, 1, -1];
const STEP_ROW = [-1, -1, 1, 1];
const mirrorHorizontal = (dir: number) => dir ^ 1; // 0↔1, 2↔3
const mirrorVertical = (dir: number) => 3 - dir; // 0↔3, 1↔2
const reverse = (dir: number) => (dir + 2) % 4; // 2→0, 3→1

export interface BreakoutState extends MinatarState {
  paddleX: number;
  ballX: number;
  ballY: number;
  ballDir: number;
  /** Ball position before the latest move: the trail. */
  lastX: number;
  lastY: number;
  /** Row bitmasks of the brick rows 1–3 (bit c = column c). */
  brickRows: number[];
  /** A brick was hit on the previous step (blocks scoring on the next one). */
  strike: boolean;
}

export const breakoutStateLayout: readonly StateWord[] = [
  word('paddle_x', 0, LAST_COL),
  word('ball_x', 0, LAST_COL),
  word('ball_y', 0, BOTTOM_ROW),
  word('ball_dir', 0, 3),
  word('last_x', 0, LAST_COL),
  word('last_y', 0, BOTTOM_ROW),
  ...Array.from({ length: BRICK_ROWS }, (_, k) => word(`brick_row_${FIRST_BRICK_ROW + k}`, 0, FULL_ROW)),
  flag('strike'),
  flag('terminal'),
  word('last_action', 0, ACTION_COUNT - 1),
];

function brickAt(s: BreakoutState, row: number, col: number): boolean {
  const k = row - FIRST_BRICK_ROW;
  return k >= 0 && k < BRICK_ROWS && hasBit(s.brickRows[k], col);
}

const fullWall = () => new Array<number>(BRICK_ROWS).fill(FULL_ROW);

function reset(_p: BreakoutParams, rng: RandomSource): BreakoutState {
  const fromRight = rng.int(0, 2) === 1;
  const ballX = fromRight ? LAST_COL : 0;
  return {
    paddleX: PADDLE_START,
    ballX,
    ballY: BALL_START_ROW,
    ballDir: fromRight ? Dir.downLeft : Dir.downRight,
    lastX: ballX,
    lastY: BALL_START_ROW,
    brickRows: fullWall(),
    strike: false,
    terminal: false,
    lastAction: Action.noop,
  };
}

function step(p: BreakoutParams, state: BreakoutState, action: number, rng: RandomSource) {
  const applied = stickyAction(p, state.lastAction, action, rng);
  const s: BreakoutState = { ...state, brickRows: [...state.brickRows], lastAction: applied };
  if (s.terminal) return { state: s, reward: 0, terminated: true };

  if (applied === Action.left) s.paddleX = Math.max(0, s.paddleX - 1);
  else if (applied === Action.right) s.paddleX = Math.min(LAST_COL, s.paddleX + 1);

  s.lastX = s.ballX;
  s.lastY = s.ballY;
  let dir = s.ballDir;
  let nx = s.ballX + STEP_COL[dir];
  let ny = s.ballY + STEP_ROW[dir];
  if (nx < 0 || nx > LAST_COL) {
    // The clamp means the ball moves only vertically on a side-wall bounce.
    nx = Math.min(Math.max(nx, 0), LAST_COL);
    dir = mirrorHorizontal(dir);
  }

  let reward = 0;
  let touchedBrick = false;
  if (ny < 0) {
    ny = 0;
    dir = mirrorVertical(dir);
  } else if (brickAt(s, ny, nx)) {
    touchedBrick = true;
    // Right after a hit the ball passes into the brick's cell: no reward, no bounce, brick stays.
    if (!s.strike) {
      reward = 1;
      s.strike = true;
      s.brickRows[ny - FIRST_BRICK_ROW] &= ~(1 << nx);
      ny = s.lastY;
      dir = mirrorVertical(dir);
    }
  } else if (ny === BOTTOM_ROW) {
    if (s.brickRows.every((row) => row === 0)) s.brickRows = fullWall();
    // The paddle test compares the ball's column before the move first, then the new column.
    if (s.ballX === s.paddleX) {
      dir = mirrorVertical(dir);
      ny = s.lastY;
    } else if (nx === s.paddleX) {
      dir = reverse(dir);
      ny = s.lastY;
    } else {
      s.terminal = true;
    }
  }
  if (!touchedBrick) s.strike = false;

  s.ballX = nx;
  s.ballY = ny;
  s.ballDir = dir;
  return { state: s, reward, terminated: s.terminal };
}

function observe(_p: BreakoutParams, s: BreakoutState, out: Float32Array, offset: number): void {
  const set = observationWriter(out, offset, MINATAR_GAMES.breakout.channels.length);
  set(BOTTOM_ROW, s.paddleX, CHANNEL.paddle);
  set(s.ballY, s.ballX, CHANNEL.ball);
  set(s.lastY, s.lastX, CHANNEL.trail);
  s.brickRows.forEach((mask, k) => {
    for (let col = 0; col < GRID_SIZE; col++) if (hasBit(mask, col)) set(FIRST_BRICK_ROW + k, col, CHANNEL.brick);
  });
}

function encodeState(s: BreakoutState): number[] {
  return [s.paddleX, s.ballX, s.ballY, s.ballDir, s.lastX, s.lastY, ...s.brickRows, +s.strike, +s.terminal, s.lastAction];
}

function decodeState(values: ArrayLike<number>): BreakoutState {
  const r = new StateReader(values);
  return {
    paddleX: r.next(),
    ballX: r.next(),
    ballY: r.next(),
    ballDir: r.next(),
    lastX: r.next(),
    lastY: r.next(),
    brickRows: Array.from({ length: BRICK_ROWS }, () => r.next()),
    strike: r.flag(),
    terminal: r.flag(),
    lastAction: r.next(),
  };
}

export const breakout = minatarEnv<BreakoutState, BreakoutParams>('breakout', {
  description: 'MinAtar Breakout: bounce the ball off the paddle to clear three rows of bricks',
  stateLayout: breakoutStateLayout,
  params: breakoutParams,
  reset,
  step,
  observe,
  encodeState,
  decodeState,
});
