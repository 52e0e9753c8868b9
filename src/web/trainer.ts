import type { GpuContext } from '../gpu/context.ts';
import type { GpuVecEnv } from '../vecenv/gpu.ts';

export const ALGORITHMS = ['ppo', 'a2c', 'reinforce'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** What the page asks the worker to run. */
export interface RunConfig {
  envId: string;
  algo: Algorithm;
  /** Parallel envs; undefined for the algorithm's preset for the env (e.g. 4 for PPO on CartPole). */
  numEnvs?: number;
  seed: number;
  /**
   * Overrides of the algorithm's preset from the page's Hyperparameters panel (or the URL's
   * `hp` parameter), parsed from JSON; {} for the preset. The trainer validates them.
   */
  hyperparameters: Record<string, unknown>;
  /**
   * Files of a checkpoint to start from, by file name (as `wgym train` writes them, e.g.
   * model.safetensors and config.json, or as checkpoint() below returned them).
   */
  checkpoint?: Record<string, Uint8Array>;
  /** Watch the checkpoint's policy act: iterate() steps the envs with the policy, no updates. */
  watch?: boolean;
}

/** Progress as the page shows it. */
export interface TrainerStats {
  /** Env steps taken so far, over all envs (numEnvs × steps per env). */
  steps: number;
  /** Episodes ended so far, over all envs. */
  episodes: number;
  /** Mean return of the episodes ended since the previous stats() call; NaN when none did. */
  meanReturn: number;
}

/**
 * What the GPU-owner worker (src/web/worker.ts) drives. The worker calls iterate() from its loop,
 * draws agent frames from vecEnv's buffers after it, and polls stats() a few times per second
 * (never two calls at once). Nothing here may wait on the GPU except stats().
 */
export interface Trainer {
  /** The envs being trained; the renderer reads vecEnv.buffers.obs / .state (no readback). */
  readonly vecEnv: GpuVecEnv;
  /** Encodes and submits one iteration (a rollout and its updates); must not await. */
  iterate(): void;
  /** Reads back a few numbers; may lag the submitted work by an iteration or two. */
  stats(): Promise<TrainerStats>;
  /** For the enlarged agent: its policy's action probabilities and value estimate, when known. */
  inspect?(agent: number): Promise<{ probabilities?: number[]; value: number } | undefined>;
  /** The current policy as checkpoint files by name, for the page's Save button (loadable as RunConfig.checkpoint). */
  checkpoint?(): Promise<Record<string, Uint8Array>>;
  /** Frees GPU buffers (not the device, which the worker owns). */
  destroy(): void;
}

/** Makes a trainer for a run on the worker's device; the trainer creates its own GpuVecEnv. */
export type TrainerFactory = (ctx: GpuContext, config: RunConfig) => Trainer | Promise<Trainer>;
