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

/** MinAtar Freeway, rules in shared/specs/minatar/freeway.md. Freeway never ramps. */
export const freewayParams = {
  ...minatarDefaults,
  /** Steps the chicken waits after a move before it can move again. */
  chickenMoveCooldown: 3,
  /** The game's own clock: it ends the episode when it counts down below 0, on step gameTime + 1. */
  gameTime: 2500,
};
export type FreewayParams = typeof freewayParams;

const CHICKEN_COL = 4;
const BOTTOM_ROW = GRID_SIZE - 1;
/** One car per lane, lanes on rows 1–8: car i drives on row i + 1. */
const CAR_COUNT = 8;
/** Speed magnitudes are 1..MAX_SPEED, one observation channel each (speed1..speed5). */
const MAX_SPEED = 5;
const CHANNEL = channelIndices('freeway');

export interface Car {
  x: number;
  /** Steps until the next move. */
  timer: number;
  /** Signed: the sign is the direction (+ moves right), |speed| the steps between moves. */
  speed: number;
}

export interface FreewayState extends MinatarState {
  /** Chicken row; its column is always CHICKEN_COL. */
  chickenRow: number;
  moveTimer: number;
  timeLeft: number;
  cars: Car[];
}

export const freewayStateLayout: readonly StateWord[] = [
  // The crossing step puts the chicken straight back on the bottom row, so it ends no step on row 0.
  word('chicken_row', 1, BOTTOM_ROW),
  word('move_timer', 0, freewayParams.chickenMoveCooldown),
  word('time_left', -1, freewayParams.gameTime),
  ...Array.from({ length: CAR_COUNT }, (_, i) => [
    word(`car_${i}_x`, 0, GRID_SIZE - 1),
    word(`car_${i}_timer`, 0, MAX_SPEED),
    word(`car_${i}_speed`, -MAX_SPEED, MAX_SPEED),
  ]).flat(),
  flag('terminal'),
  word('last_action', 0, ACTION_COUNT - 1),
];

/** New speeds for all cars: every magnitude is drawn first, then every direction. */
function drawSpeeds(rng: RandomSource): { speed: number; timer: number }[] {
  const magnitudes = Array.from({ length: CAR_COUNT }, () => rng.int(1, MAX_SPEED + 1));
  // The original turns u == 0.5 into speed 0 and breaks; treated as moving right.
  return magnitudes.map((magnitude) => ({ speed: rng.uniform() < 0.5 ? -magnitude : magnitude, timer: magnitude }));
}

const wrapColumn = (col: number) => (col + GRID_SIZE) % GRID_SIZE;

function reset(p: FreewayParams, rng: RandomSource): FreewayState {
  return {
    chickenRow: BOTTOM_ROW,
    moveTimer: p.chickenMoveCooldown,
    timeLeft: p.gameTime,
    cars: drawSpeeds(rng).map((speeds) => ({ x: 0, ...speeds })),
    terminal: false,
    lastAction: Action.noop,
  };
}

function step(p: FreewayParams, state: FreewayState, action: number, rng: RandomSource) {
  const applied = stickyAction(p, state.lastAction, action, rng);
  const s: FreewayState = { ...state, cars: state.cars.map((car) => ({ ...car })), lastAction: applied };
  if (s.terminal) return { state: s, reward: 0, terminated: true };

  if (s.moveTimer === 0 && (applied === Action.up || applied === Action.down)) {
    s.moveTimer = p.chickenMoveCooldown;
    s.chickenRow = applied === Action.up ? Math.max(0, s.chickenRow - 1) : Math.min(BOTTOM_ROW, s.chickenRow + 1);
  }

  let reward = 0;
  if (s.chickenRow === 0) {
    reward = 1;
    // Cars keep their positions; only speeds and timers are re-drawn.
    drawSpeeds(rng).forEach((speeds, i) => Object.assign(s.cars[i], speeds));
    s.chickenRow = BOTTOM_ROW;
  }

  s.cars.forEach((car, i) => {
    // Each car tests the chicken's current row before and after its own move.
    const row = i + 1;
    if (car.x === CHICKEN_COL && row === s.chickenRow) s.chickenRow = BOTTOM_ROW;
    if (car.timer === 0) {
      car.timer = Math.abs(car.speed);
      car.x = wrapColumn(car.x + Math.sign(car.speed));
      if (car.x === CHICKEN_COL && row === s.chickenRow) s.chickenRow = BOTTOM_ROW;
    } else {
      car.timer -= 1;
    }
  });

  if (s.moveTimer > 0) s.moveTimer -= 1;
  s.timeLeft -= 1;
  if (s.timeLeft < 0) s.terminal = true;
  return { state: s, reward, terminated: s.terminal };
}

function observe(_p: FreewayParams, s: FreewayState, out: Float32Array, offset: number): void {
  const set = observationWriter(out, offset, MINATAR_GAMES.freeway.channels.length);
  set(s.chickenRow, CHICKEN_COL, CHANNEL.chicken);
  s.cars.forEach((car, i) => {
    set(i + 1, car.x, CHANNEL.car);
    // The cell behind the car shows its speed.
    set(i + 1, wrapColumn(car.x - Math.sign(car.speed)), CHANNEL.speed1 + Math.abs(car.speed) - 1);
  });
}

function encodeState(s: FreewayState): number[] {
  return [s.chickenRow, s.moveTimer, s.timeLeft, ...s.cars.flatMap((car) => [car.x, car.timer, car.speed]), +s.terminal, s.lastAction];
}

function decodeState(values: ArrayLike<number>): FreewayState {
  const r = new StateReader(values);
  return {
    chickenRow: r.next(),
    moveTimer: r.next(),
    timeLeft: r.next(),
    cars: Array.from({ length: CAR_COUNT }, () => ({ x: r.next(), timer: r.next(), speed: r.next() })),
    terminal: r.flag(),
    lastAction: r.next(),
  };
}

export const freeway = minatarEnv<FreewayState, FreewayParams>('freeway', {
  description: 'MinAtar Freeway: guide the chicken across eight lanes of traffic before time runs out',
  stateLayout: freewayStateLayout,
  params: freewayParams,
  reset,
  step,
  observe,
  encodeState,
  decodeState,
});
