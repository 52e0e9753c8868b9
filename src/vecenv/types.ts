import type { EnvSpec } from '../env.ts';

/** The per-step outputs of all envs, as read back for tests, debugging and the CLI. */
export interface StepData {
  /** numEnvs × observation size; after an auto-reset, the new episode's first observation. */
  obs: Float32Array;
  reward: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** The last observation of the episode that ended at this step (valid where a flag is set). */
  finalObs: Float32Array;
}

/**
 * The step outputs in the GPU buffers' own words (src/vecenv/gpu.ts), for comparisons over many
 * steps where converting every observation would dominate: observations as packed bits for
 * 'bits' envs (src/vecenv/observation.ts), float32 bits otherwise.
 */
export interface RawStepData {
  /** numEnvs × observation words. */
  obsWords: Uint32Array;
  /** Valid where a done bit is set. */
  finalObsWords: Uint32Array;
  reward: Float32Array;
  /** Bit 0 terminated, bit 1 truncated. */
  done: Uint32Array;
}

/** Episodes ended since the previous readStats() call, summed over all envs. */
export interface EpisodeStats {
  episodes: number;
  meanReturn: number;
  /** Population standard deviations over those episodes (NaN when there are none). */
  stdReturn: number;
  meanLength: number;
  stdLength: number;
  /** Actions that were out of the action space and were mapped into it (see checkAction). */
  invalidActions: number;
}

export interface VecEnvOptions {
  numEnvs: number;
  seed?: number;
  /** Truncation limit in steps; defaults to the spec's, 0 for none. */
  timeLimit?: number;
  /** Off only for conformance replays: a finished env then keeps stepping its final state. */
  autoReset?: boolean;
  /** Overrides of the env's params (constants, options). */
  params?: Record<string, unknown>;
  /**
   * Envs per seed: env i draws as env i mod seedEnvs of seed + ⌊i / seedEnvs⌋, so one VecEnv holds
   * the envs of several consecutive seeds side by side (a seed grid: several training runs in each
   * dispatch). Must divide numEnvs; numEnvs (one seed) when absent.
   */
  seedEnvs?: number;
}

/**
 * N copies of one env, stepped together, on the GPU or on the CPU with the same interface. step()
 * and stepRandom() only enqueue work on the GPU; the read*() calls are the only waits.
 */
export interface VecEnv {
  readonly backend: 'cpu' | 'gpu';
  readonly spec: EnvSpec;
  readonly numEnvs: number;
  readonly seed: number;
  /** Resets every env from the seed (a new one if given): the same seed gives the same states. */
  reset(seed?: number): void;
  /** One step; discrete actions as integers, continuous as floats, one per env. */
  step(actions: Actions): void;
  /** `steps` steps with uniformly random actions from the project RNG's action stream. */
  stepRandom(steps: number): void;
  read(): Promise<StepData>;
  readStats(): Promise<EpisodeStats>;
  /** Env states in spec.stateNames order, numEnvs × stateNames.length. */
  readState(): Promise<Float64Array>;
  /** Loads states (and optionally each env's step count within its episode), for teacher forcing. */
  writeState(states: ArrayLike<number>, episodeLengths?: ArrayLike<number>): void;
  destroy(): void;
}

export const DEFAULT_SEED = 0;

/** One action per env: integer indices for discrete spaces, floats for continuous ones. */
export type Actions = Uint32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;

/** Sums over ended episodes, as both backends accumulate them. */
export interface EpisodeTotals {
  episodes: number;
  returnSum: number;
  returnSqSum: number;
  lengthSum: number;
  lengthSqSum: number;
  invalidActions: number;
}

export const emptyTotals = (): EpisodeTotals => ({ episodes: 0, returnSum: 0, returnSqSum: 0, lengthSum: 0, lengthSqSum: 0, invalidActions: 0 });

export function episodeStatsFrom(totals: EpisodeTotals): EpisodeStats {
  const n = totals.episodes;
  const mean = (sum: number) => (n > 0 ? sum / n : Number.NaN);
  const std = (sum: number, sqSum: number) => (n > 0 ? Math.sqrt(Math.max(0, sqSum / n - (sum / n) ** 2)) : Number.NaN);
  return {
    episodes: n,
    meanReturn: mean(totals.returnSum),
    stdReturn: std(totals.returnSum, totals.returnSqSum),
    meanLength: mean(totals.lengthSum),
    stdLength: std(totals.lengthSum, totals.lengthSqSum),
    invalidActions: totals.invalidActions,
  };
}
