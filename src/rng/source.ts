import { mulhi32, philox4x32 } from './philox.ts';

/**
 * Where a game gets its random numbers: the project's counter-based generator in normal runs, a
 * replay of recorded draws in conformance runs. Games draw only through these two calls.
 */
export interface RandomSource {
  /** A float in [0, 1). */
  uniform(): number;
  /** An integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number;
}

/** Independent streams under one seed (the last key word), so that env and action draws never overlap. */
export const Stream = {
  env: 0,
  action: 1,
  policy: 2,
  /** Network initialization (src/nn/init.ts). */
  init: 3,
} as const;

const INV_2_24 = 1 / 16777216;

/**
 * The draws of one env at one step: Philox keyed by (seed, stream), counter (env, step, block, 0).
 * Step 0 is the initial reset; step k ≥ 1 is the k-th step of that env, including the auto-reset
 * it may trigger. The WGSL twin is `Rng` in shaders/rng.wgsl.
 */
export class CounterRng implements RandomSource {
  private readonly counter = new Uint32Array(4);
  private readonly key = new Uint32Array(2);
  private readonly block = new Uint32Array(4);
  private used = 4;

  constructor(seed: number, stream: number, env: number, step: number) {
    this.key[0] = seed;
    this.key[1] = stream;
    this.counter[0] = env;
    this.counter[1] = step;
  }

  nextU32(): number {
    if (this.used === 4) {
      philox4x32(this.counter, this.key, this.block);
      this.counter[2] = this.counter[2] + 1;
      this.used = 0;
    }
    return this.block[this.used++];
  }

  uniform(): number {
    return (this.nextU32() >>> 8) * INV_2_24;
  }

  int(lo: number, hi: number): number {
    return lo + mulhi32(this.nextU32(), (hi - lo) >>> 0);
  }
}

/**
 * A real interval as a grid of 2^-e steps, drawn as an integer and scaled by a power of two, so the
 * drawn value is exactly representable in float32 and identical on CPU and GPU whatever the GPU's
 * floating-point contraction does. Grid points are at most 2^-22 × max(|lo|, |hi|) apart.
 */
export interface FixedGrid {
  lo: number;
  hi: number;
  scale: number;
}

export function fixedGrid(lo: number, hi: number): FixedGrid {
  if (!(hi > lo)) throw new RangeError(`fixedGrid: empty interval [${lo}, ${hi})`);
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  const exponent = 23 - Math.ceil(Math.log2(magnitude));
  const scale = 2 ** -exponent;
  return { lo: Math.round(lo / scale), hi: Math.round(hi / scale), scale };
}

export function uniformOnGrid(rng: RandomSource, grid: FixedGrid): number {
  return rng.int(grid.lo, grid.hi) * grid.scale;
}
