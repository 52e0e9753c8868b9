import type { GpuContext } from '../gpu/context.ts';
import { createVecEnv } from '../vecenv/index.ts';
import type { GpuVecEnv } from '../vecenv/gpu.ts';
import type { RunConfig, Trainer, TrainerStats } from './trainer.ts';

/** Envs of a random run when the page leaves the count to the preset. */
const RANDOM_RUN_ENVS = 1024;

/**
 * Stands in for a learning algorithm: every iteration steps all envs with uniformly random
 * actions drawn on the GPU (GpuVecEnv.stepRandom), so the agent grid animates and the stats move.
 */
export class RandomActionsTrainer implements Trainer {
  readonly vecEnv: GpuVecEnv;
  private steps = 0;
  private episodes = 0;

  private readonly stepsPerIteration: number;

  constructor(ctx: GpuContext, config: RunConfig) {
    const numEnvs = config.numEnvs ?? RANDOM_RUN_ENVS;
    this.vecEnv = createVecEnv(ctx, config.envId, { numEnvs, seed: config.seed }) as GpuVecEnv;
    // About 8k env steps per submit (one step per submit for 8,192 envs and more), so that
    // small runs are not bound by the per-submit overhead; frames are drawn ~30 times a second.
    this.stepsPerIteration = Math.min(16, Math.max(1, Math.round(8192 / numEnvs)));
  }

  iterate(): void {
    this.vecEnv.stepRandom(this.stepsPerIteration);
    this.steps += this.stepsPerIteration * this.vecEnv.numEnvs;
  }

  async stats(): Promise<TrainerStats> {
    const steps = this.steps;
    const ended = await this.vecEnv.readStats();
    this.episodes += ended.episodes;
    return { steps, episodes: this.episodes, meanReturn: ended.meanReturn };
  }

  async inspect(): Promise<{ probabilities: number[]; value: number } | undefined> {
    const space = this.vecEnv.spec.actionSpace;
    if (space.kind !== 'discrete') return undefined;
    return { probabilities: Array.from({ length: space.n }, () => 1 / space.n), value: Number.NaN };
  }

  destroy(): void {
    this.vecEnv.destroy();
  }
}
