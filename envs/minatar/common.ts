import { overridesFrom, type EnvDefinition } from '../../src/env.ts';
import { InputError } from '../../src/errors.ts';
import type { RandomSource } from '../../src/rng/source.ts';

/**
 * What the five MinAtar games share (MinAtar 1.0.15; rules in shared/specs/minatar/README.md):
 * the grid, the actions, the sticky-action wrapper, the observation layout and the fixed-size
 * state encoding the WGSL kernels keep as an array of words per env.
 */

/** Rows and columns of the square grid; row 0 is the top. */
export const GRID_SIZE = 10;

/** The six actions every game takes; actions that mean nothing in a game act as no-op. */
export const Action = { noop: 0, left: 1, up: 2, right: 3, down: 4, fire: 5 } as const;
export const ACTION_COUNT = 6;

export type MinatarParams = {
  /** Chance that the previously applied action is applied again instead of the chosen one. */
  stickyActionProb: number;
  /** Whether the game speeds up over time (each game says how; breakout and freeway never do). */
  difficultyRamping: boolean;
  /** Offer only the game's minimal action set (fewer logits) instead of all six actions. */
  minimalActionSet: boolean;
};

/** What every game's state holds besides its own variables. */
export interface MinatarState {
  /** The previously applied action, which the sticky-action rule may repeat (0 at reset). */
  lastAction: number;
  terminal: boolean;
}

export const minatarDefaults: MinatarParams = { stickyActionProb: 0.1, difficultyRamping: true, minimalActionSet: false };

/** The wrapper's options must make sense whatever the game. */
export function checkMinatarParams(p: MinatarParams): void {
  if (!(p.stickyActionProb >= 0 && p.stickyActionProb <= 1)) {
    throw new InputError(`stickyActionProb must be a probability in [0, 1], got ${p.stickyActionProb}`);
  }
}

/**
 * The wrapper's sticky-action rule: the first draw of every step. It is drawn even when the
 * probability is 0, so the sequence of draws is the same for every setting. The previous action
 * lives in each game's state and is 0 at the start of every episode (the original keeps it across
 * resets; its recordings and a vectorized auto-reset both need it per episode).
 */
export function stickyAction(p: MinatarParams, previous: number, chosen: number, rng: RandomSource): number {
  return rng.uniform() < p.stickyActionProb ? previous : chosen;
}


type Rgb = readonly [number, number, number];

export interface MinatarGameInfo {
  /** Observation channel names, by index. */
  channels: readonly string[];
  /** The actions (indices into the six) that matter in this game, in increasing order. */
  minimalActions: readonly number[];
  /** One display colour per channel; where cells overlap the highest channel is drawn. */
  palette: readonly Rgb[];
}

export const MINATAR_GAMES = {
  asterix: {
    channels: ['player', 'enemy', 'trail', 'gold'],
    minimalActions: [0, 1, 2, 3, 4],
    palette: [[70, 150, 255], [230, 60, 60], [120, 120, 120], [255, 205, 0]],
  },
  breakout: {
    channels: ['paddle', 'ball', 'trail', 'brick'],
    minimalActions: [0, 1, 3],
    palette: [[70, 150, 255], [255, 255, 255], [120, 120, 120], [230, 110, 40]],
  },
  freeway: {
    channels: ['chicken', 'car', 'speed1', 'speed2', 'speed3', 'speed4', 'speed5'],
    minimalActions: [0, 2, 4],
    palette: [[255, 220, 0], [230, 50, 50], [60, 70, 140], [60, 110, 180], [50, 150, 200], [70, 190, 200], [140, 230, 210]],
  },
  seaquest: {
    channels: [
      'sub_front', 'sub_back', 'friendly_bullet', 'trail', 'enemy_bullet',
      'enemy_fish', 'enemy_sub', 'oxygen_gauge', 'diver_gauge', 'diver',
    ],
    minimalActions: [0, 1, 2, 3, 4, 5],
    palette: [
      [255, 220, 0], [190, 150, 0], [255, 255, 255], [110, 110, 110], [255, 130, 0],
      [220, 50, 50], [170, 70, 210], [60, 200, 90], [70, 150, 255], [130, 225, 255],
    ],
  },
  space_invaders: {
    channels: ['cannon', 'alien', 'alien_left', 'alien_right', 'friendly_bullet', 'enemy_bullet'],
    minimalActions: [0, 1, 3, 5],
    palette: [[70, 200, 90], [220, 60, 60], [240, 110, 80], [230, 70, 160], [255, 255, 255], [255, 190, 0]],
  },
} as const satisfies Record<string, MinatarGameInfo>;

export type MinatarGame = keyof typeof MINATAR_GAMES;

/** A game's channel indices by name, e.g. channelIndices('breakout').ball === 1. */
export function channelIndices<G extends MinatarGame>(game: G): Record<(typeof MINATAR_GAMES)[G]['channels'][number], number> {
  return Object.fromEntries(MINATAR_GAMES[game].channels.map((name, index) => [name, index])) as Record<(typeof MINATAR_GAMES)[G]['channels'][number], number>;
}

// ---------------------------------------------------------------------------------------------
// Observation: float32 0/1 in [row][col][channel] layout, index (row * 10 + col) * C + channel.

/** Clears one env's observation and returns a function that sets a cell. */
export function observationWriter(out: Float32Array, offset: number, channels: number): (row: number, col: number, channel: number) => void {
  out.fill(0, offset, offset + GRID_SIZE * GRID_SIZE * channels);
  return (row, col, channel) => {
    out[offset + (row * GRID_SIZE + col) * channels + channel] = 1;
  };
}

/** A set observation cell as the fixtures list it. */
export type Cell = [row: number, col: number, channel: number];

/** The set cells of one observation, sorted by row, column, channel (the fixtures' order). */
export function observationCells(obs: ArrayLike<number>, channels: number, offset = 0): Cell[] {
  const cells: Cell[] = [];
  for (let row = 0; row < GRID_SIZE; row++) {
    for (let col = 0; col < GRID_SIZE; col++) {
      for (let channel = 0; channel < channels; channel++) {
        if (obs[offset + (row * GRID_SIZE + col) * channels + channel] !== 0) cells.push([row, col, channel]);
      }
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Row bitmasks: a 10×10 boolean grid as one word per row, bit `col` set for a set cell.

export const FULL_ROW = (1 << GRID_SIZE) - 1;

export const hasBit = (mask: number, col: number): boolean => ((mask >> col) & 1) === 1;

export function countBits(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------
// Fixed-size state encoding: every state is a fixed list of integer words (booleans as 0/1).

/** One word of an encoded state: its name and the inclusive range the rules keep it in. */
export interface StateWord {
  name: string;
  min: number;
  max: number;
}

export const word = (name: string, min: number, max: number): StateWord => ({ name, min, max });
export const flag = (name: string): StateWord => word(name, 0, 1);

/**
 * A variable-length list of the original as a count followed by `capacity` records; unused
 * records are all zeros (so each field's range is widened to include 0).
 */
export class FixedList<T> {
  readonly words: StateWord[];
  readonly recordWords: number;

  constructor(
    readonly name: string,
    readonly capacity: number,
    fields: readonly StateWord[],
    private readonly toWords: (item: T) => number[],
    private readonly fromWords: (next: () => number) => T,
  ) {
    this.recordWords = fields.length;
    this.words = [word(`${name}_count`, 0, capacity)];
    for (let k = 0; k < capacity; k++) {
      for (const field of fields) this.words.push(word(`${name}_${k}_${field.name}`, Math.min(0, field.min), Math.max(0, field.max)));
    }
  }

  encode(items: readonly T[], out: number[]): void {
    if (items.length > this.capacity) {
      throw new RangeError(`state list '${this.name}' holds ${items.length} items, capacity ${this.capacity}`);
    }
    out.push(items.length);
    for (const item of items) out.push(...this.toWords(item));
    for (let k = items.length * this.recordWords; k < this.capacity * this.recordWords; k++) out.push(0);
  }

  decode(reader: StateReader): T[] {
    const count = reader.next();
    const items: T[] = [];
    for (let k = 0; k < count; k++) items.push(this.fromWords(() => reader.next()));
    reader.skip((this.capacity - count) * this.recordWords);
    return items;
  }
}

/** Reads an encoded state word by word, in stateNames order. */
export class StateReader {
  private index = 0;

  constructor(private readonly values: ArrayLike<number>) {}

  next(): number {
    return this.values[this.index++];
  }

  flag(): boolean {
    return this.next() !== 0;
  }

  skip(count: number): void {
    this.index += count;
  }
}

/** The words of `values` outside their declared range, as "name = value" strings. */
export function wordsOutOfRange(layout: readonly StateWord[], values: readonly number[]): string[] {
  if (values.length !== layout.length) return [`${values.length} words, layout has ${layout.length}`];
  return layout.flatMap((w, k) => (Number.isInteger(values[k]) && values[k] >= w.min && values[k] <= w.max ? [] : [`${w.name} = ${values[k]}`]));
}

/** The parts of a MinAtar EnvDefinition that differ between games. */
export interface MinatarRules<S, P> {
  description: string;
  stateLayout: readonly StateWord[];
  params: P;
  reset: EnvDefinition<S, P>['reset'];
  step: EnvDefinition<S, P>['step'];
  observe: EnvDefinition<S, P>['observe'];
  encodeState: EnvDefinition<S, P>['encodeState'];
  decodeState: EnvDefinition<S, P>['decodeState'];
}

/** A game's EnvDefinition: what all five share (grid, actions, channels, kernel layout) filled in. */
export function minatarEnv<S, P extends MinatarParams>(game: MinatarGame, rules: MinatarRules<S, P>): EnvDefinition<S, P> {
  const info: MinatarGameInfo = MINATAR_GAMES[game];
  const { description, stateLayout, ...behaviour } = rules;
  return {
    spec: {
      id: `minatar/${game}`,
      description,
      observationShape: [GRID_SIZE, GRID_SIZE, info.channels.length],
      actionSpace: { kind: 'discrete', n: ACTION_COUNT },
      timeLimit: 0,
      stateNames: stateLayout.map((w) => w.name),
      channels: info.channels,
      palette: info.palette,
      minimalActions: info.minimalActions,
    },
    ...behaviour,
    checkParams: checkMinatarParams,
    wgsl: { path: `envs/minatar/${game}/step.wgsl`, constants: (p) => overridesFrom(p), observation: 'bits', state: 'i32' },
  };
}
